"""``python -m dharm.synthetic``: regenerate data/<country>/survey/*_synthetic.csv."""
from .run import main

main()
