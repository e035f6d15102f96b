// tests/pdfua: the project's PDF/UA-1 check on qpdf's object model (being written).
