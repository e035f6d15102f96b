// bench: makes N synthetic patients, runs `handout batch` with --jobs 1 and 2 as child processes, and
// prints documents/s, wall and CPU ms per document, peak RSS and average PDF size; then times
// whole `handout render` processes; then hostile sizes (a 1 MB paragraph, a 120 KB word, a layout
// with 10,000 errors), each one process. A benchmark, not a test: it asserts nothing.
// `--only batch` or `--only hostile` runs one part.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HANDOUT_BINARY
#define HANDOUT_BINARY "build/handout"
#endif

namespace fs = std::filesystem;

namespace {

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
    f << "patient.id,patient.name,date,clinician.name,clinic.phone\n";
    for (std::size_t i = 0; i < n; ++i) {
        f << "B" << 100000 + i << ",\"" << first[i % 16] << " " << last[(i * 7) % 15] << "\",December " << 1 + i % 28
          << " 2026,Dr. Maya Okafor,(555) 014-2368\n";
    }
    return p.string();
}

Run run_batch_child(const std::string& manifest, const std::string& content, const std::string& layout,
                    const fs::path& out, unsigned jobs, const std::string& engine) {
    Run run;
    run.jobs = jobs;
    fs::remove_all(out);
    // The real command in its own process, so peak RSS is that of a batch as people run it.
    std::vector<std::string> args = {HANDOUT_BINARY, "batch", manifest, "-c", content, "-l", layout,
                                     "--out", out.string(), "--jobs", std::to_string(jobs), "--engine", engine, "--force", "--quiet"};
    std::vector<char*> argv_c;
    for (auto& a : args) {
        argv_c.push_back(a.data());
    }
    argv_c.push_back(nullptr);
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv_c[0], nullptr, nullptr, argv_c.data(), environ) != 0) {
        return run;
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    run.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    run.rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    for (const auto& e : fs::directory_iterator(out)) {
        if (e.path().extension() == ".pdf") {
            ++run.docs;
            run.bytes += static_cast<std::size_t>(e.file_size());
        }
    }
    return run;
}

/// One child process with its output thrown away: wall and CPU seconds, peak RSS, exit status.
struct Child {
    double wall_s = 0, cpu_s = 0, rss_mib = 0;
    int status = -1;
};

Child run_quiet(std::vector<std::string> args) {
    Child c;
    std::vector<char*> argv_c;
    for (auto& a : args) {
        argv_c.push_back(a.data());
    }
    argv_c.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv_c[0], &actions, nullptr, argv_c.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        return c;
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    c.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    c.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
              static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    c.rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return c;
}

/// `n` bytes or a little more of ordinary words with spaces, as one paragraph.
std::string prose_bytes(std::size_t n) {
    static const char* vocab[] = {"the", "infusion", "staff", "watch", "dose", "closely", "and", "you",
                                  "may", "feel", "tired", "after", "session", "pain", "changes", "slowly"};
    std::string out;
    for (std::size_t i = 0; out.size() < n; ++i) {
        out += (i == 0 ? "" : " ") + std::string(vocab[(i * 7 + i / 5) % 16]);
        if (i % 11 == 10) {
            out += ".";
        }
    }
    return out;
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

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 1000;
    std::string content = "content/ketamine-consent.md";
    std::string layout = "layouts/letter.toml";
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--only") {
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
    std::string manifest = synthetic_manifest(dir, n);
    std::printf("handout batch: %zu synthetic patients, %s with %s\n\n", n, content.c_str(), layout.c_str());
    std::printf("| engine | jobs | documents/s | wall ms/document | CPU ms/document | peak RSS | average PDF |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (const char* engine : {"handout", "cairo"})
    for (unsigned jobs : {1U, 2U}) {
        // One run reports where its time goes (HANDOUT_TIMINGS: typeset, the PDF engine's
        // fonts, content, structure and writing — what qpdf's objects and the writer cost).
        bool timed = jobs == 1 && std::string(engine) == "handout";
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
    std::vector<char*> argv_c;
    for (auto& a : args) {
        argv_c.push_back(a.data());
    }
    argv_c.push_back(nullptr);
    auto once = [&]() {
        pid_t pid = 0;
        if (posix_spawn(&pid, argv_c[0], nullptr, nullptr, argv_c.data(), environ) == 0) {
            int st = 0;
            waitpid(pid, &st, 0);
        }
    };
    once();  // warm the caches (fontconfig, hyphenation)
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) {
        once();
    }
    double per = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
    std::printf("\none `handout render` process, start-up included: %.1f ms (mean of %d)\n", per, reps);
    if (only != "batch") {
        hostile(dir);
    }
    fs::remove_all(dir);
    return 0;
}
