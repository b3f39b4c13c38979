// "Cite this page/figure" blocks: with no html.baseurl configured, the book writes each address
// relative to the page; this turns it into the full address the reader is viewing.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".dharm-cite-url[data-path]").forEach(function (el) {
    var url = new URL(el.getAttribute("data-path"), window.location.href).href;
    el.textContent = url;
    if (el.tagName === "A") { el.setAttribute("href", url); }
  });
});
