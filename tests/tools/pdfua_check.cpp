// pdfua_check: runs the project's PDF/UA-1 check (tests/pdfua) on PDF files by hand and prints a
// table per file. Exit status: 0 when every check of every file passes, 1 when one fails, 2 when
// a file cannot be read.
//
//   build/pdfua_check [-v] [--max-items N] FILE.pdf...
#include "pdfua/pdfua.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    bool verbose = false;
    std::size_t max_items = 10;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-v" || a == "--verbose") {
            verbose = true;
        } else if (a == "--max-items" && i + 1 < argc) {
            max_items = static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10));
        } else if (a == "-h" || a == "--help") {
            std::cout << "usage: pdfua_check [-v] [--max-items N] FILE.pdf...\n"
                         "  -v               list the offending items under each failing check\n"
                         "  --max-items N    items listed per check with -v (default 10, 0 = all)\n"
                         "exit status: 0 all checks pass, 1 a check failed, 2 a file could not be read\n";
            return 0;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) {
        std::cerr << "usage: pdfua_check [-v] [--max-items N] FILE.pdf...\n";
        return 2;
    }
    int worst = 0;
    for (const std::string& f : files) {
        try {
            pdfua::Report r = pdfua::check_file(f);
            std::cout << pdfua::format(r, verbose, max_items) << "\n";
            if (!r.passed() && worst < 1) {
                worst = 1;
            }
        } catch (const pdfua::Unreadable& e) {
            std::cout << f << "\n  ERROR cannot read: " << e.what() << "\n\n";
            worst = 2;
        }
    }
    return worst;
}
