// bench: makes N synthetic patients, runs `handout batch` with --jobs 1 and 2 as child processes, and
// prints documents/s, wall and CPU ms per document, peak RSS and average PDF size; then times
// whole `handout render` processes; then hostile sizes (a 1 MB paragraph, a 120 KB word, a layout
// with 10,000 errors), each one process; then a batch's peak memory at 1,000 and 100,000 tiny
// records, rendered and then again up to date. A benchmark, not a test: it asserts nothing.
// `--only batch`, `--only hostile`, `--only memory` or `--only delivery` runs one part;
// `--memory-records N` adds a size to the memory part. The delivery part prices --protect and
// the outbox per document, and splits protection into qpdf's parse, its plain write and its
// AES-256 write, in process.
#include "bench_util.hpp"

#include "deliver/protect.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef HANDOUT_BINARY
#define HANDOUT_BINARY "build/handout"
#endif

namespace fs = std::filesystem;

namespace {

using bench::Child;
using bench::prose_bytes;
using bench::run_quiet;

struct Run {
    unsigned jobs = 1;
    double wall_s = 0, cpu_s = 0, rss_mib = 0;
    std::size_t docs = 0, bytes = 0;
};

std::string synthetic_manifest(const fs::path& dir, std::size_t n) {
    static const char* first[] = {"Ana", "José", "Nguyễn", "Zoë", "Małgorzata", "François", "Søren", "María",
                                  "Dmitri", "Aoife", "Jürgen", "Çağla", "Thabo", "Inês", "Kwame", "Björn"};
    static const char* last[] = {"Ruiz", "Núñez", "Thị Hương", "Wiśniewska", "Lefèvre", "Østergaard", "García",
                                 "Volkov", "Groß", "Yılmaz", "Mokoena", "Conceição", "Mensah", "Þórsson", "O'Neil"};
    fs::path p = dir / "patients.csv";
    std::ofstream f(p);
    f << "patient.id,patient.name,patient.email,patient.dob,date,clinician.name,clinic.phone\n";
    for (std::size_t i = 0; i < n; ++i) {
        f << "B" << 100000 + i << ",\"" << first[i % 16] << " " << last[(i * 7) % 15] << "\",b" << 100000 + i
          << "@example.org,19" << 40 + i % 60 << "-0" << 1 + i % 9 << "-1" << i % 10 << ",December " << 1 + i % 28
          << " 2026,Dr. Maya Okafor,(555) 014-2368\n";
    }
    return p.string();
}

Run run_batch_child(const std::string& manifest, const std::string& content, const std::string& layout,
                    const fs::path& out, unsigned jobs, const std::string& engine,
                    const std::vector<std::string>& extra = {}, const std::string& stderr_path = "/dev/null") {
    Run run;
    run.jobs = jobs;
    fs::remove_all(out);
    // The real command in its own process, so peak RSS is that of a batch as people run it.
    std::vector<std::string> args = {HANDOUT_BINARY, "batch", manifest, "-c", content, "-l", layout,
                                     "--out", out.string(), "--jobs", std::to_string(jobs), "--engine", engine, "--force", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Child child = run_quiet(std::move(args), stderr_path);
    if (child.status < 0) {
        return run;
    }
    run.wall_s = child.wall_s;
    run.cpu_s = child.cpu_s;
    run.rss_mib = child.rss_mib;
    for (const auto& e : fs::directory_iterator(out)) {
        if (e.path().extension() == ".pdf") {
            ++run.docs;
            run.bytes += static_cast<std::size_t>(e.file_size());
        }
    }
    return run;
}


double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

/// What --protect and the outbox add per document: the same batch plain, protected, and
/// protected with a message per record (one process, --jobs 1, timings on); then protection's
/// parts in process over one rendered consent sheet.
void delivery(const fs::path& dir, const std::string& manifest, std::size_t n, const std::string& content,
              const std::string& layout) {
    std::printf("\ndelivery: %zu records, --jobs 1, handout engine\n\n", n);
    std::printf("| run | wall ms/document | CPU ms/document | on top of plain (CPU) |\n|---|---:|---:|---:|\n");
    const std::vector<std::string> protect = {"--protect", "--password", "{{patient.dob|DDMMYYYY}}"};
    std::vector<std::string> mail = protect;
    for (const char* a : {"--email-template", "samples/email/consent.eml.txt"}) {
        mail.emplace_back(a);
    }
    mail.push_back("--outbox");
    mail.push_back((dir / "outbox").string());
    double plain_cpu = 0;
    const std::pair<const char*, std::vector<std::string>> runs[] = {
            {"plain", {}}, {"--protect", protect}, {"--protect and a message", mail}};
    int run_index = 0;
    for (const auto& [name, extra] : runs) {
        setenv("HANDOUT_TIMINGS", "1", 1);
        const std::string err = (dir / "delivery.err").string();
        Run r = run_batch_child(manifest, content, layout, dir / ("out-delivery-" + std::to_string(run_index++)), 1,
                                "handout", extra, err);
        unsetenv("HANDOUT_TIMINGS");
        const double docs = static_cast<double>(std::max<std::size_t>(r.docs, 1));
        const double cpu = 1000 * r.cpu_s / docs;
        if (plain_cpu == 0) {
            plain_cpu = cpu;
        }
        std::printf("| %s | %.2f | %.2f | %+.2f |\n", name, 1000 * r.wall_s / docs, cpu, cpu - plain_cpu);
        std::ifstream timings(err);
        for (std::string line; std::getline(timings, line);) {
            if (line.find("timings:") != std::string::npos) {
                std::printf("|  | %s | | |\n", line.c_str() + line.find("timings:") + 9);
            }
        }
    }
    // In process: where protection's time goes, on one consent sheet.
    const std::string pdf_path = (dir / "sheet.pdf").string();
    run_quiet({HANDOUT_BINARY, "render", content, "-l", layout, "--var", "patient.name=Bench Patient", "--var",
               "date=2026-12-01", "--var", "clinician.name=Dr. Okafor", "--var", "clinic.phone=(555) 014-2368", "-o",
               pdf_path});
    std::ifstream in(pdf_path, std::ios::binary);
    const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const int reps = 200;
    double parse_ms = 0, write_ms = 0, protect_ms = 0;
    std::size_t protected_bytes = 0;
    for (int i = 0; i < reps; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        QPDF q;
        q.processMemoryFile("sheet", pdf.data(), pdf.size());
        parse_ms += ms_since(t0);
        t0 = std::chrono::steady_clock::now();
        QPDFWriter w(q);
        w.setOutputMemory();
        w.setDecodeLevel(qpdf_dl_none);
        w.setObjectStreamMode(qpdf_o_generate);
        w.write();
        write_ms += ms_since(t0);
        t0 = std::chrono::steady_clock::now();
        std::string out;
        (void)handout::protect_pdf(pdf, "14031961", out);
        protect_ms += ms_since(t0);
        protected_bytes = out.size();
    }
    std::printf("\nprotecting one %.1f KB sheet, in process (mean of %d): %.2f ms in all — qpdf's parse %.2f ms, "
                "a plain rewrite %.2f ms, so key derivation and AES %.2f ms; %.1f KB protected\n",
                static_cast<double>(pdf.size()) / 1000.0, reps, protect_ms / reps, parse_ms / reps, write_ms / reps,
                (protect_ms - parse_ms - write_ms) / reps, static_cast<double>(protected_bytes) / 1000.0);
}

/// Hostile sizes, one `handout` process each (the time includes start-up, checks and output).
void hostile(const fs::path& dir) {
    const std::string binary = HANDOUT_BINARY;
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
        return (dir / name).string();
    };
    const std::string layout_tail = "[page]\nsize = \"letter\"\nmargin = \"1in\"\n\n[body]\nsize = 12\nmin_size = 12\nhyphenate = ";
    const std::string justified = write("justified.toml", layout_tail + "true\njustify = true\n");
    const std::string left = write("left.toml", layout_tail + "false\njustify = false\n");
    const std::string front = "---\ntitle: Bench\n---\n\n";
    const std::string mb = write("paragraph-1mb.md", front + prose_bytes(1 << 20) + "\n");
    const std::string kb = write("paragraph-100kb.md", front + prose_bytes(100 << 10) + "\n");
    const std::string word = write("word-120kb.md", front + "Name: " + std::string(120 << 10, 'a') + ".\n");
    std::string many;
    for (int i = 0; i < 10000; ++i) {
        many += "[unknown_table_" + std::to_string(i) + "]\n";
    }
    const std::string errors = write("errors-10000.toml", many);
    const std::string out = (dir / "hostile.out").string();

    struct Case {
        const char* what;
        std::vector<std::string> args;
    };
    const std::vector<Case> cases = {
        {"100 KB paragraph, justified (dump)", {binary, "render", kb, "-l", justified, "--format", "dump", "-o", out}},
        {"1 MB paragraph, justified (dump)", {binary, "render", mb, "-l", justified, "--format", "dump", "-o", out}},
        {"1 MB paragraph, flush left (dump)", {binary, "render", mb, "-l", left, "--format", "dump", "-o", out}},
        {"1 MB paragraph, justified (PDF)", {binary, "render", mb, "-l", justified, "-o", out}},
        {"120 KB word, justified (dump)", {binary, "render", word, "-l", justified, "--format", "dump", "-o", out}},
        {"layout with 10,000 errors (check)", {binary, "check", "content/ketamine-consent.md", "-l", errors}},
    };
    std::printf("\nhostile sizes, one process each\n\n| case | exit | wall ms | CPU ms | peak RSS |\n|---|---:|---:|---:|---:|\n");
    for (const Case& c : cases) {
        const Child r = run_quiet(c.args);
        std::printf("| %s | %d | %.0f | %.0f | %.1f MiB |\n", c.what, r.status, 1000 * r.wall_s, 1000 * r.cpu_s, r.rss_mib);
        std::fflush(stdout);
    }
}


/// One `handout batch` of the memory part: wall and CPU seconds (the process and its children),
/// and peak RSS three ways. `parent_kib` and `children_kib` come from the batch itself
/// (HANDOUT_TIMINGS prints them): its own VmHWM — the high-water mark of its own memory — and
/// getrusage(RUSAGE_CHILDREN) in it, the largest of its record and parser processes, each of
/// which it waited for. `tree_kib` is wait4's figure for the batch process here: the larger of
/// the two, except that Linux carries the peak of the process that spawned it across execve
/// (posix_spawn runs in the bench's memory until then), so it is never below this bench's own.
struct MemoryRun {
    double wall_s = 0, cpu_s = 0;
    long parent_kib = -1, children_kib = -1, tree_kib = 0;
    int status = -1;
    std::string totals;  ///< "N ok, N skipped, N failed" from the summary line
};

MemoryRun run_memory(const std::string& manifest, const std::string& content, const fs::path& out, const fs::path& err) {
    MemoryRun m;
    std::vector<std::string> args = {HANDOUT_BINARY, "batch", manifest, "-c", content, "--out", out.string(), "--jobs", "2"};
    setenv("HANDOUT_TIMINGS", "1", 1);
    const Child child = run_quiet(std::move(args), err.string());
    unsetenv("HANDOUT_TIMINGS");
    if (child.status < 0) {
        return m;
    }
    m.wall_s = child.wall_s;
    m.cpu_s = child.cpu_s;  // wait4's times include the children the batch waited for
    m.tree_kib = static_cast<long>(child.rss_mib * 1024.0);
    m.status = child.status;
    std::ifstream f(err);
    for (std::string line; std::getline(f, line);) {
        if (auto at = line.find("peak RSS: parent "); at != std::string::npos) {
            std::sscanf(line.c_str() + at, "peak RSS: parent %ld KiB, children %ld KiB", &m.parent_kib, &m.children_kib);
        }
        if (auto at = line.find(" records: "); at != std::string::npos && line.find(" ok, ") != std::string::npos) {
            const auto in = line.find(" in ", at);
            m.totals = line.substr(at + 10, in == std::string::npos ? std::string::npos : in - at - 10);
        }
    }
    return m;
}

/// A batch's peak memory as its manifest grows: tiny records (an id and a name, a one-line
/// sheet), rendered, then run again with every output up to date (no child renders: what the
/// batch process itself holds per record shows alone).
void memory(const fs::path& dir, std::vector<std::size_t> sizes) {
    const fs::path content = dir / "tiny.md";
    std::ofstream(content) << "---\ntitle: \"Bench\"\nlang: en\n---\n\nHello {{patient.name}}.\n";
    std::printf("\nbatch peak memory, tiny records (--jobs 2): the batch process (VmHWM) and the largest of its\n"
                "child processes (RUSAGE_CHILDREN in the batch); wait4's figure for the whole tree beside them\n\n"
                "| records | run | records ok, skipped, failed | wall s | CPU s | batch process | children | wait4 (tree) |\n"
                "|---:|---|---|---:|---:|---:|---:|---:|\n");
    for (std::size_t n : sizes) {
        const fs::path manifest = dir / ("tiny-" + std::to_string(n) + ".csv");
        {
            std::ofstream f(manifest);
            f << "patient.id,patient.name\n";
            for (std::size_t i = 1; i <= n; ++i) {
                f << "T" << i << ",Ana Ruiz " << i << "\n";
            }
        }
        const fs::path out = dir / ("memory-" + std::to_string(n));
        for (const char* run : {"renders", "up to date"}) {
            const MemoryRun m = run_memory(manifest.string(), content.string(), out, dir / "memory-stderr.txt");
            std::printf("| %zu | %s | %s | %.1f | %.1f | %.1f MiB | %.1f MiB | %.1f MiB |\n", n, run, m.totals.c_str(), m.wall_s,
                        m.cpu_s, static_cast<double>(m.parent_kib) / 1024.0, static_cast<double>(m.children_kib) / 1024.0,
                        static_cast<double>(m.tree_kib) / 1024.0);
            if (m.status != 0) {
                std::printf("  (exit %d)\n", m.status);
            }
            std::fflush(stdout);
        }
        fs::remove_all(out);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 1000;
    std::string content = "content/ketamine-consent.md";
    std::string layout = "layouts/letter.toml";
    std::string only;
    std::vector<std::size_t> memory_sizes = {1000, 100000};
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--memory-records") {
            memory_sizes.push_back(std::strtoul(argv[i + 1], nullptr, 10));
        } else if (a == "--only") {
            only = argv[i + 1];
        } else if (a == "--records") {
            n = std::strtoul(argv[i + 1], nullptr, 10);
        } else if (a == "--content") {
            content = argv[i + 1];
        } else if (a == "--layout") {
            layout = argv[i + 1];
        }
    }
    setenv("SOURCE_DATE_EPOCH", "1793491200", 1);
    fs::path dir = fs::temp_directory_path() / ("handout-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    if (only == "hostile") {
        hostile(dir);
        fs::remove_all(dir);
        return 0;
    }
    if (only == "memory") {
        memory(dir, memory_sizes);
        fs::remove_all(dir);
        return 0;
    }
    std::string manifest = synthetic_manifest(dir, n);
    if (only == "delivery") {
        delivery(dir, manifest, n, content, layout);
        fs::remove_all(dir);
        return 0;
    }
    std::printf("handout batch: %zu synthetic patients, %s with %s\n\n", n, content.c_str(), layout.c_str());
    std::printf("| engine | jobs | documents/s | wall ms/document | CPU ms/document | peak RSS | average PDF |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (const char* engine : {"handout", "cairo", "haru"})
    for (unsigned jobs : {1U, 2U}) {
        // One run an engine reports where its time goes (HANDOUT_TIMINGS: typeset, then the
        // tagged engine's fonts, content, structure and writing, or Cairo's or libharu's whole).
        bool timed = jobs == 1;
        if (timed) {
            setenv("HANDOUT_TIMINGS", "1", 1);
        }
        // A folder of its own per run, all removed at the end: deleting a thousand files just
        // before creating a thousand makes ext4 hunt for inodes (seen: 1 ms per file here).
        Run r = run_batch_child(manifest, content, layout, dir / ("out-" + std::string(engine) + "-" + std::to_string(jobs)), jobs, engine);
        unsetenv("HANDOUT_TIMINGS");
        double docs = static_cast<double>(std::max<std::size_t>(r.docs, 1));
        std::printf("| %s | %u | %.0f | %.2f | %.2f | %.1f MiB | %.1f KB |\n", engine, jobs, docs / r.wall_s, 1000 * r.wall_s / docs,
                    1000 * r.cpu_s / docs, r.rss_mib, static_cast<double>(r.bytes) / docs / 1000.0);
        if (r.docs != n) {
            std::printf("  (only %zu of %zu documents were written)\n", r.docs, n);
        }
    }
    // Whole processes: `handout render` of one consent sheet, start-up included.
    const int reps = 20;
    std::string out_pdf = (dir / "one.pdf").string();
    std::vector<std::string> args = {HANDOUT_BINARY, "render", content, "-l", layout,
                                     "--var", "patient.name=Bench Patient", "--var", "date=2026-12-01",
                                     "--var", "clinician.name=Dr. Okafor", "--var", "clinic.phone=(555) 014-2368",
                                     "-o", out_pdf};
    run_quiet(args);  // warm the caches (fontconfig, hyphenation)
    double total_s = 0;
    for (int i = 0; i < reps; ++i) {
        total_s += run_quiet(args).wall_s;
    }
    double per = 1000 * total_s / reps;
    std::printf("\none `handout render` process, start-up included: %.1f ms (mean of %d)\n", per, reps);
    if (only != "batch") {
        delivery(dir, manifest, n, content, layout);
        hostile(dir);
        memory(dir, memory_sizes);
    }
    fs::remove_all(dir);
    return 0;
}
