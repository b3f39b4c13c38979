"""Loading and validation of the book's input data (``data/``): nothing here estimates or displays."""
