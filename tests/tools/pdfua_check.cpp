// pdfua_check: runs the project's PDF/UA-1 check on PDF files by hand (being written).
int main() { return 0; }
