// tests: what handout does to the files around its outputs — permissions that follow the umask
// (and a requested mode), never widened on a replaced file; start-up clean-up that removes only
// its own temporaries left by dead processes, at the top of --out; the lock that lets one batch
// at a time write to a folder and shard; and the up-to-date hash, which covers the pictures a
// content file shows and the layout's logo.
#include "helpers.hpp"

#include "deliver/journal.hpp"
#include "deliver/out_lock.hpp"
#include "deliver/temporary.hpp"
#include "deliver/write_file.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cairo.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include <csignal>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;

/// Sets the process's umask for one scope.
class Umask {
public:
    explicit Umask(mode_t mask) : m_old(::umask(mask)) {}
    ~Umask() { ::umask(m_old); }
    Umask(const Umask&) = delete;
    Umask& operator=(const Umask&) = delete;

private:
    mode_t m_old;
};

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path);
    return static_cast<unsigned>(st.st_mode) & 07777;
}

std::string octal(unsigned mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", mode);
    return buf;
}

/// Starts `argv` (looked up on PATH) without waiting; its pid. With `own_group`, the child leads
/// a process group of its own (its pid), so that it and its children can be ended together.
pid_t start(const std::vector<std::string>& argv, bool own_group = false) {
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    if (own_group) {
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
    }
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), environ);
    posix_spawnattr_destroy(&attr);
    REQUIRE(rc == 0);
    return pid;
}

/// Waits (up to a minute: a give-up, not a timing check) for `path` to exist.
bool wait_for(const std::string& path) {
    for (int i = 0; i < 6000; ++i) {
        if (test::exists(path)) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

/// The pid of a process that has ended (and been waited for).
long dead_pid() {
    pid_t pid = start({"true"});
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

/// test::write_file, making the folders first.
void put(const std::string& path, std::string_view bytes) {
    fs::create_directories(fs::path(path).parent_path());
    test::write_file(path, bytes);
}

/// "row:status" of each record in the report, in row order: "1:ok 2:skipped".
std::string statuses(const std::string& report) {
    std::map<std::size_t, std::string> by_row;
    const auto json = test::read_json(report);  // held: a loop over a temporary's member would dangle
    for (const auto& r : json["records"]) {
        by_row[r["row"].get<std::size_t>()] = r["status"].get<std::string>();
    }
    std::string out;
    for (const auto& [row, status] : by_row) {
        out += (out.empty() ? "" : " ") + std::to_string(row) + ":" + status;
    }
    return out;
}

const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";

}  // namespace

TEST_SUITE("deliver") {

// ---- permissions ----------------------------------------------------------------------------

TEST_CASE("a written file gets its mode under the umask, and a replaced file is never opened up") {
    test::TempDir dir;
    struct Case {
        mode_t umask;
        unsigned mode;
        unsigned expected;
    };
    for (const Case& c : {Case{022, handout::default_file_mode, 0644}, Case{077, handout::default_file_mode, 0600},
                          Case{027, handout::default_file_mode, 0640}, Case{022, 0600, 0600}, Case{0, 0640, 0640},
                          Case{077, 0640, 0600}}) {
        Umask mask(c.umask);
        const std::string path = dir / ("f-" + octal(c.umask) + "-" + octal(c.mode));
        CAPTURE(path);
        REQUIRE_FALSE(handout::write_atomically(path, "bytes", handout::Durability::immediate, c.mode));
        CHECK(octal(mode_of(path)) == octal(c.expected));
        CHECK(test::read_file(path) == "bytes");
    }
    // An existing 0600 file stays 0600 when written again with the ordinary mode.
    Umask mask(022);
    const std::string kept = dir / "kept.pdf";
    put(kept, "old");
    REQUIRE(::chmod(kept.c_str(), 0600) == 0);
    REQUIRE_FALSE(handout::write_atomically(kept, "new"));
    CHECK(test::read_file(kept) == "new");
    CHECK(octal(mode_of(kept)) == "0600");
    // A requested mode narrower than the file's is taken.
    const std::string narrowed = dir / "narrowed.pdf";
    put(narrowed, "old");
    REQUIRE(::chmod(narrowed.c_str(), 0644) == 0);
    REQUIRE_FALSE(handout::write_atomically(narrowed, "new", handout::Durability::deferred, 0600));
    CHECK(octal(mode_of(narrowed)) == "0600");
    // Nothing is left beside the outputs.
    for (const auto& f : test::list_files(dir.path())) {
        CHECK_FALSE(handout::temporary_owner(fs::path(f).filename().string()));
    }
}

TEST_CASE("a temporary made elsewhere in the folder lands in a subfolder, and no temporary stays behind") {
    test::TempDir dir;
    Umask mask(022);
    const std::string target = dir / "clinic/P1.pdf";
    REQUIRE_FALSE(handout::write_atomically(target, "pdf", handout::Durability::deferred, 0600, dir.path()));
    CHECK(test::read_file(target) == "pdf");
    CHECK(octal(mode_of(target)) == "0600");
    CHECK(test::list_files(dir.path()) == std::vector<std::string>{"clinic/P1.pdf"});
    // A target that cannot be replaced (a folder) is an error, and its temporary is gone too.
    fs::create_directories(dir / "taken.pdf/inside");
    auto err = handout::write_atomically(dir / "taken.pdf", "pdf");
    REQUIRE(err);
    CHECK(test::contains(*err, "taken.pdf"));
    CHECK(test::list_files(dir.path()) == std::vector<std::string>{"clinic/P1.pdf"});
}

TEST_CASE("render's output follows the umask") {
    test::TempDir dir;
    const std::string out = dir / "sheet.pdf";
    Umask mask(077);  // inherited by the child
    auto r = test::run_cli_env({"render", greeting, "--var", "patient.name=Ann", "-o", out}, {"SOURCE_DATE_EPOCH=0"});
    REQUIRE(test::have(r, out));
    CHECK(octal(mode_of(out)) == "0600");
}

// ---- temporaries ----------------------------------------------------------------------------

TEST_CASE("temporary names are handout's own, carry host and pid, keep no extension, and fit a file name") {
    const std::string name = handout::temporary_name("P1001.pdf");
    const std::string owner_part = ".tmp-" + handout::host_tag() + "-" + std::to_string(::getpid()) + "-";
    CHECK(name.rfind(".handout-P1001.pdf" + owner_part, 0) == 0);
    CHECK(name.size() == std::string(".handout-P1001.pdf").size() + owner_part.size() + 8);
    CHECK(fs::path(name).extension() != ".pdf");  // nothing that collects *.pdf takes it
    auto owner = handout::temporary_owner(name);
    REQUIRE(owner);
    CHECK(owner->host == handout::host_tag());
    CHECK(owner->pid == ::getpid());
    CHECK(handout::temporary_name("P1001.pdf") != name);  // random part
    // Any name, even one that looks like a temporary's, is read from the right.
    auto tricky = handout::temporary_owner(handout::temporary_name("a-1-b.tmp-00000000-5-00000000"));
    REQUIRE(tricky);
    CHECK(tricky->pid == ::getpid());
    // A long name is cut to 255 bytes, not inside a character.
    std::string long_name;
    for (int i = 0; i < 200; ++i) {
        long_name += "é";  // two bytes each
    }
    const std::string cut = handout::temporary_name(long_name);
    CHECK(cut.size() <= 255);
    CHECK(cut.size() >= 250);
    const std::string cut_name = cut.substr(9, cut.find(".tmp-") - 9);
    CHECK(cut_name.size() % 2 == 0);  // whole "é"s only
    CHECK(cut_name == long_name.substr(0, cut_name.size()));
    CHECK(handout::temporary_owner(cut));
    // What is not handout's own is nobody's.
    for (const char* other : {".report.json.tmp-Ab12Cd", ".notes.tmp-1", "handout-P1.pdf.tmp-00000000-12-00000000",
                              ".handout-P1.pdf.tmp-0000000-12-00000000", ".handout-P1.pdf.tmp-00000000-12-0000000",
                              ".handout-.tmp-00000000-12-00000000", ".handout-P1.pdf.tmp-00000000-x1-00000000",
                              ".handout-P1.pdf.tmp-00000000-0-00000000", ".handout-P1.pdf-00000000-12-00000000",
                              ".handout-state", ".handout-lock-1-of-2", ".handout-P1.pdf.tmp-0000000g-12-00000000"}) {
        CAPTURE(other);
        CHECK_FALSE(handout::temporary_owner(other));
    }
}

TEST_CASE("start-up clean-up removes only handout's temporaries of dead processes, at the top of the folder") {
    test::TempDir dir;
    const std::string host = handout::host_tag();
    const std::string other_host = host == "00000000" ? "11111111" : "00000000";
    const long dead = dead_pid();
    // A zombie: ended, not reaped yet (as a batch's record children are when the batch is killed).
    const pid_t zombie = start({"true"});
    bool is_zombie = false;
    for (int i = 0; i < 6000 && !is_zombie; ++i) {
        const std::string stat = test::read_file("/proc/" + std::to_string(zombie) + "/stat");
        is_zombie = stat.rfind(')') != std::string::npos && stat.substr(stat.rfind(')'), 3) == ") Z";
        if (!is_zombie) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    REQUIRE(is_zombie);
    auto ours = [&](const std::string& h, long pid, const std::string& name) {
        return ".handout-" + name + ".tmp-" + h + "-" + std::to_string(pid) + "-0badcafe";
    };
    const std::vector<std::string> stay = {
        ".notes.tmp-123456",                       // the user's own, in the old pattern
        ".P1.pdf.tmp-Ab12Cd",                      // an old version's: cannot be told from the user's
        "draft.tmp-1.pdf",
        ours(host, ::getpid(), "P2.pdf"),          // a running process's (this one)
        ours(host, 1, "P3.pdf"),                   // pid 1 always runs
        ours(other_host, dead, "P4.pdf"),          // another host's, written just now
        "sub/" + ours(host, dead, "P5.pdf"),       // not at the top
    };
    const std::vector<std::string> go = {
        ours(host, dead, "P6.pdf"),
        ours(other_host, dead, "P7.pdf"),          // another host's, two days old
        ours(host, zombie, "P8.pdf"),
    };
    for (const auto& f : stay) {
        put(dir / f, "x");
    }
    for (const auto& f : go) {
        put(dir / f, "x");
    }
    fs::last_write_time(dir / go[1], fs::file_time_type::clock::now() - std::chrono::hours(48));
    // Neither a folder nor a link is taken, whatever its name.
    fs::create_directories(dir / ours(host, dead, "folder"));
    fs::create_symlink(dir / ".notes.tmp-123456", dir / ours(host, dead, "link"));

    CHECK(handout::remove_stale_temporaries(dir.path()) == go.size());
    int status = 0;
    ::waitpid(zombie, &status, 0);
    std::vector<std::string> left = test::list_files(dir.path());
    for (const auto& f : stay) {
        CHECK_MESSAGE(std::find(left.begin(), left.end(), f) != left.end(), f);
    }
    for (const auto& f : go) {
        CHECK_MESSAGE(std::find(left.begin(), left.end(), f) == left.end(), f);
    }
    CHECK(fs::is_directory(dir / ours(host, dead, "folder")));
    CHECK(fs::is_symlink(dir / ours(host, dead, "link")));
}

TEST_CASE("a batch leaves the user's own dot-files under --out alone") {
    test::TempDir dir;
    const std::string out = dir / "out";
    const std::vector<std::string> users = {".notes.tmp-123456", "drafts/.letter.docx.tmp-Ab12Cd", ".P9.pdf.tmp-XXXXXX"};
    for (const auto& f : users) {
        put(out + "/" + f, "mine");
    }
    const std::string stale = ".handout-P1.pdf.tmp-" + handout::host_tag() + "-" + std::to_string(dead_pid()) + "-0badcafe";
    put(out + "/" + stale, "half a PDF");
    const std::string manifest = dir / "m.csv";
    put(manifest, "patient.id,patient.name\nP1,Ann\n");
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--quiet"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    for (const auto& f : users) {
        CHECK_MESSAGE(test::read_file(out + "/" + f) == "mine", f);
    }
    CHECK_FALSE(test::exists(out + "/" + stale));
    for (const auto& f : test::list_files(out)) {
        CHECK_FALSE(handout::temporary_owner(fs::path(f).filename().string()));
    }
}

TEST_CASE("the cache folder loses the temporaries of dead processes when a worker starts, and keeps the rest") {
    test::TempDir dir;
    const std::string cache = dir / "cache";
    const std::string stale = ".handout-hyphenation.txt.tmp-" + handout::host_tag() + "-" + std::to_string(dead_pid()) + "-0badcafe";
    const std::string live = ".handout-svg-1.pdf.tmp-" + handout::host_tag() + "-" + std::to_string(::getpid()) + "-0badcafe";
    put(cache + "/" + stale, "half a cache");
    put(cache + "/" + live, "being written");
    put(cache + "/.notes.tmp-123456", "mine");
    auto r = test::run_cli_env({"render", greeting, "--var", "patient.name=Ann", "-o", dir / "sheet.pdf"},
                               {"HANDOUT_CACHE_DIR=" + cache});
    REQUIRE(test::have(r, dir / "sheet.pdf"));
    CHECK_FALSE(test::exists(cache + "/" + stale));
    CHECK(test::read_file(cache + "/" + live) == "being written");  // its writer (this test) is alive
    CHECK(test::read_file(cache + "/.notes.tmp-123456") == "mine");
}

// ---- the lock -------------------------------------------------------------------------------

TEST_CASE("one lock per folder and shard: a second taker is told who holds it, and the lock ends with its holder") {
    test::TempDir dir;
    std::string error;
    auto first = handout::OutLock::acquire(dir.path(), 1, 1, error);
    REQUIRE_MESSAGE(first, error);
    CHECK(test::exists(dir / ".handout-lock"));

    // flock(2) locks belong to an open file: a second open in this process is refused too.
    auto second = handout::OutLock::acquire(dir.path(), 1, 1, error);
    CHECK_FALSE(second);
    CHECK(error == "another handout batch is writing to " + dir.path() + "; wait for it or choose another --out");

    // Shards lock apart; the same shard twice does not.
    auto shard2 = handout::OutLock::acquire(dir.path(), 2, 4, error);
    REQUIRE_MESSAGE(shard2, error);
    CHECK(test::exists(dir / ".handout-lock-2-of-4"));
    auto shard2_again = handout::OutLock::acquire(dir.path(), 2, 4, error);
    CHECK_FALSE(shard2_again);
    CHECK(error == "another handout batch is writing to " + dir.path() + " (shard 2 of 4); wait for it or choose another --out");

    // Another process sees the lock as held (flock(1) from util-linux, not waiting)...
    CHECK(test::run_command({"flock", "-n", dir / ".handout-lock", "true"}).exit_code == 1);
    // ...and free once the holder lets go.
    first.reset();
    CHECK(test::run_command({"flock", "-n", dir / ".handout-lock", "true"}).exit_code == 0);
    auto again = handout::OutLock::acquire(dir.path(), 1, 1, error);
    CHECK_MESSAGE(again, error);

    // A folder where no lock file can be made is an error that names it.
    auto nowhere = handout::OutLock::acquire(dir / "missing", 1, 1, error);
    CHECK_FALSE(nowhere);
    CHECK(test::contains(error, "cannot create the lock file"));
    CHECK(test::contains(error, "missing/.handout-lock"));
}

TEST_CASE("a lock held by another process refuses this one, and its death frees the lock") {
    test::TempDir dir;
    const std::string lock = dir / ".handout-lock-1-of-2";
    const std::string ready = dir / "ready";
    // The holder: flock(1) takes the lock (-o: only flock itself keeps it), then its command
    // waits; it runs in a process group of its own, ended below as a whole.
    pid_t holder = start({"flock", "-n", "-o", lock, "sh", "-c", "touch '" + ready + "'; exec sleep 600"}, true);
    REQUIRE(wait_for(ready));
    std::string error;
    auto refused = handout::OutLock::acquire(dir.path(), 1, 2, error);
    CHECK_FALSE(refused);
    CHECK(test::contains(error, "another handout batch is writing to " + dir.path() + " (shard 1 of 2)"));
    // Another shard is free meanwhile.
    CHECK(handout::OutLock::acquire(dir.path(), 2, 2, error));

    // Killed, the holder leaves no stale lock.
    REQUIRE(::kill(-holder, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(holder, &status, 0) == holder);
    CHECK(WIFSIGNALED(status));
    auto taken = handout::OutLock::acquire(dir.path(), 1, 2, error);
    CHECK_MESSAGE(taken, error);
}

// ---- the up-to-date hash ------------------------------------------------------------------

TEST_CASE("a changed picture or logo renders the record again; unchanged, it is skipped") {
    test::TempDir dir;
    const std::string content = dir / "sheet.md";
    put(content, "---\ntitle: \"Pictures\"\nlang: en\n---\n\nHello {{patient.name}}.\n\n"
                 "::: note\nA picture in a note.\n\n![A square](pics/square.png)\n:::\n");
    put(dir / "pics/square.png", test::png_bytes(40, 40, 0.9));
    const std::string layout = dir / "layout.toml";
    put(layout, test::replace_once(test::read_file("layouts/letter.toml"), "path = \"riverside-logo.svg\"",
                                   "path = \"logo.png\""));
    put(dir / "logo.png", test::png_bytes(60, 20, 0.1));
    const std::string manifest = dir / "m.csv";
    put(manifest, "patient.id,patient.name\nP1,Ann\nP2,Bob\n");
    const std::string out = dir / "out";
    auto run = [&] {
        auto r = test::run_batch_cli({"batch", manifest, "-c", content, "-l", layout, "--out", out, "--quiet"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return statuses(out + "/report.json");
    };
    const std::string rendered = "1:ok 2:ok", skipped = "1:skipped 2:skipped";
    CHECK(run() == rendered);
    const std::string first_pdf = test::read_file(out + "/P1.pdf");
    CHECK(run() == skipped);

    put(dir / "pics/square.png", test::png_bytes(40, 40, 0.3));  // same size, other colour
    CHECK(run() == rendered);
    CHECK(test::read_file(out + "/P1.pdf") != first_pdf);
    CHECK(run() == skipped);

    put(dir / "logo.png", test::png_bytes(60, 20, 0.7));
    CHECK(run() == rendered);
    CHECK(run() == skipped);
}

}  // TEST_SUITE
