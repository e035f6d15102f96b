// tests: `handout batch` end to end — identical PDFs on any number of workers, failing records
// isolated and reported by row and id without their values, per-record content/layout/lang
// overrides, up-to-date skipping and --force, a SIGKILLed run leaving only whole PDFs and
// resuming to the same bytes, the summary line and --quiet, and the report's shape and totals.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <thread>

#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;

const std::string data_dir = std::string(HANDOUT_TEST_DIR) + "/data/batch";
const std::string greeting = data_dir + "/greeting.md";
const std::string consent = "content/ketamine-consent.md";
const std::string letter = "layouts/letter.toml";

/// Values that must never reach stderr or the report.
const std::vector<std::string> secrets = {"Zzyzx Quetzal", "Zzyzx", "zzyzx@example.org", "1931-02-03",
                                          "Quetzalcoatl Pérez"};

/// The report's record for `row`; fails the test when there is none.
nlohmann::ordered_json record_at(const nlohmann::ordered_json& report, std::size_t row) {
    for (const auto& r : report["records"]) {
        if (r["row"] == row) {
            return r;
        }
    }
    FAIL("no record for row " << row);
    return {};
}

std::map<std::size_t, std::string> statuses(const nlohmann::ordered_json& report) {
    std::map<std::size_t, std::string> out;
    for (const auto& r : report["records"]) {
        out[r["row"].get<std::size_t>()] = r["status"].get<std::string>();
    }
    return out;
}

/// Starts with %PDF and ends with %%EOF (after trailing whitespace).
bool whole_pdf(const std::string& bytes) {
    std::string_view v(bytes);
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    return v.starts_with("%PDF") && v.ends_with("%%EOF");
}

unsigned long inode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<unsigned long>(st.st_ino) : 0;
}

std::vector<std::string> batch_args(const std::string& manifest, const std::string& content, const std::string& out,
                                    std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"batch", manifest, "-c", content, "-l", letter, "--out", out};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

void check_no_secrets(const std::string& text, const std::string& where) {
    for (const auto& s : secrets) {
        CHECK_MESSAGE(text.find(s) == std::string::npos, where << " contains `" << s << "`:\n" << text);
    }
}

/// A three-record manifest for the greeting content.
const std::string three_records = "patient.id,patient.name\nG1,Ana Ruiz\nG2,Bob Lee\nG3,Cy Twombly\n";

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("--jobs 1 and --jobs 2 write byte-identical PDFs for every sample patient") {
    test::TempDir dir;
    std::string one = dir / "one";
    auto r1 = test::run_batch_cli(batch_args("samples/patients.csv", consent, one, {"--jobs", "1", "--quiet"}));
    REQUIRE_MESSAGE(r1.exit_code == 0, r1.err);
    auto files = test::pdfs_in(one);
    CHECK(files.size() == 20);
    CHECK(test::read_json(one + "/report.json")["jobs"] == 1);
    // Which worker gets which record depends on timing, so --jobs 2 runs three times.
    for (int run = 1; run <= 3; ++run) {
        std::string two = dir / ("two-" + std::to_string(run));
        auto r2 = test::run_batch_cli(batch_args("samples/patients.csv", consent, two, {"--jobs", "2", "--quiet"}));
        REQUIRE_MESSAGE(r2.exit_code == 0, r2.err);
        CHECK(test::read_json(two + "/report.json")["jobs"] == 2);
        CHECK(test::pdfs_in(two) == files);
        std::vector<std::string> differing;
        for (const auto& f : files) {
            std::string a = test::read_file(one + "/" + f);
            std::string b = test::read_file(two + "/" + f);
            CHECK_MESSAGE(whole_pdf(a), f);
            if (a != b) {
                differing.push_back(f);
            }
        }
        CAPTURE(run);
        CHECK(differing == std::vector<std::string>{});
    }
}

TEST_CASE("a record's PDF has the same bytes late in a batch (fonts prepared for subsetting) as alone") {
    // From the third subset of a font a worker subsets from a prepared face; the bytes must not change.
    test::TempDir dir;
    std::string all = dir / "all";
    auto r = test::run_batch_cli(batch_args("samples/patients.csv", consent, all, {"--jobs", "1", "--quiet"}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto files = test::pdfs_in(all);
    REQUIRE(files.size() == 20);
    const std::string csv = test::read_file("samples/patients.csv");
    std::size_t header_end = csv.find('\n') + 1;
    std::size_t last_start = csv.rfind('\n', csv.size() - 2) + 1;  // the last record: made late in the batch
    std::string manifest = dir / "last.csv";
    test::write_file(manifest, csv.substr(0, header_end) + csv.substr(last_start));
    std::string alone = dir / "alone";
    auto a = test::run_batch_cli(batch_args(manifest, consent, alone, {"--jobs", "1", "--quiet"}));
    REQUIRE_MESSAGE(a.exit_code == 0, a.err);
    auto one = test::pdfs_in(alone);
    REQUIRE(one.size() == 1);
    CHECK(test::read_file(alone + "/" + one.front()) == test::read_file(all + "/" + one.front()));
}

TEST_CASE("each batch PDF carries its own record's values") {
    test::TempDir dir;
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args("samples/patients.csv", consent, out, {"--jobs", "2", "--quiet"}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    test::Pdf p3(out + "/P1003.pdf");
    REQUIRE_MESSAGE(p3.ok(), p3.error());
    std::string t3 = test::normalize_space(p3.text());
    CHECK(t3.find("Nguyễn Thị Hương") != std::string::npos);
    CHECK(t3.find("Dr. Samuel Lindqvist") != std::string::npos);
    CHECK(t3.find("José Núñez") == std::string::npos);
    test::Pdf p5(out + "/P1005.pdf");
    REQUIRE(p5.ok());
    CHECK(test::normalize_space(p5.text()).find("O'Neil, Patrick \"Pat\"") != std::string::npos);
}

TEST_CASE("failing records are reported by row and id, the run goes on, and no value leaks") {
    test::TempDir dir;
    std::string manifest = dir / "m.jsonl";
    auto line = [](const std::string& id, const std::string& extra) {
        return "{\"patient\": {\"id\": \"" + id +
               "\", \"name\": \"Zzyzx Quetzal\", \"email\": \"zzyzx@example.org\", \"dob\": \"1931-02-03\"}, "
               "\"date\": \"1931-02-03\", \"clinician\": {\"name\": \"Dr. Quetzalcoatl Pérez\"}" +
               extra + "}\n";
    };
    const std::string phone = ", \"clinic\": {\"phone\": \"(555) 014-2368\"}";
    test::write_file(manifest, line("P1", phone) +
                                   line("P2", "") +  // no clinic.phone: the content needs it
                                   line("P3", phone + ", \"layout\": \"" + dir.path() + "/no-such-layout.toml\"") +
                                   line("P4", phone) +
                                   "{\"patient\": {\"id\": \"P5\", \"name\": \"Zzyzx Quetzal\"\n");  // not JSON
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args(manifest, consent, out, {"--jobs", "2"}));
    CHECK(r.exit_code == 1);
    CHECK(test::exists(out + "/P1.pdf"));
    CHECK(test::exists(out + "/P4.pdf"));
    CHECK_FALSE(test::exists(out + "/P2.pdf"));
    CHECK_FALSE(test::exists(out + "/P3.pdf"));
    CHECK_MESSAGE(r.err.find("row 2 (id P2) failed") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("row 3 (id P3) failed") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("row 5 failed") != std::string::npos, r.err);
    CHECK(r.err.find("clinic.phone") != std::string::npos);  // names the variable
    auto report = test::read_json(out + "/report.json");
    CHECK(statuses(report) ==
          std::map<std::size_t, std::string>{{1, "ok"}, {2, "failed"}, {3, "failed"}, {4, "ok"}, {5, "failed"}});
    CHECK(record_at(report, 2)["id"] == "P2");
    CHECK(record_at(report, 3)["id"] == "P3");
    CHECK(record_at(report, 2)["error"].get<std::string>().find("clinic.phone") != std::string::npos);
    CHECK(record_at(report, 3)["error"].get<std::string>().find("layout") != std::string::npos);
    CHECK(report["totals"]["failed"] == 3);
    CHECK(report["totals"]["ok"] == 2);
    check_no_secrets(r.err, "stderr");
    check_no_secrets(test::read_file(out + "/report.json"), "report.json");
}

TEST_CASE("a CSV row with the wrong field count fails alone — an empty value is a value") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest,
                     "patient.id,patient.name,patient.email,date,clinician.name,clinic.phone\n"
                     "C1,Zzyzx Quetzal,zzyzx@example.org,1931-02-03,Dr. Lee,555-0100\n"
                     "C2,Zzyzx Quetzal,zzyzx@example.org,1931-02-03,Dr. Lee\n"
                     "C3,Zzyzx Quetzal,zzyzx@example.org,,Dr. Lee,555-0100\n");
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args(manifest, consent, out));
    CHECK(r.exit_code == 1);
    auto report = test::read_json(out + "/report.json");
    CHECK(statuses(report) == std::map<std::size_t, std::string>{{1, "ok"}, {2, "failed"}, {3, "ok"}});
    CHECK(test::exists(out + "/C1.pdf"));
    CHECK(test::exists(out + "/C3.pdf"));
    CHECK_FALSE(test::exists(out + "/C2.pdf"));
    // The row's fields cannot be trusted, so its id may be left out; its row number may not.
    CHECK_MESSAGE((r.err.find("row 2 failed") != std::string::npos || r.err.find("row 2 (id C2) failed") != std::string::npos),
                  r.err);
    CHECK(record_at(report, 2)["error"].is_string());
    check_no_secrets(r.err, "stderr");
    check_no_secrets(test::read_file(out + "/report.json"), "report.json");
}

TEST_CASE("a batch with no failing record exits 0") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, three_records);
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args(manifest, greeting, out));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::pdfs_in(out) == std::vector<std::string>{"G1.pdf", "G2.pdf", "G3.pdf"});
}

TEST_CASE("a record's content, layout and lang columns override the defaults for that record") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    const std::string farewell = data_dir + "/farewell.md";
    test::write_file(manifest,
                     "patient.id,patient.name,content,layout,lang\n"
                     "L1,Ana,,,es\n"                                  // greeting.es.md exists
                     "L2,Bob,,,fr\n"                                  // no greeting.fr.md: default + warning
                     "L3,Cy," + farewell + ",,\n"                     // other content
                     "L4,Dee,,layouts/a4.toml,\n"                     // other layout
                     "L5,Eve,,,\n"                                   // defaults
                     "L6,Fay," + farewell + ",,es\n");               // other content, no farewell.es.md
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args(manifest, greeting, out, {"--jobs", "2"}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto text = [&](const std::string& id) {
        test::Pdf pdf(out + "/" + id + ".pdf");
        REQUIRE_MESSAGE(pdf.ok(), id << ": " << pdf.error());
        return test::normalize_space(pdf.text());
    };
    CHECK(text("L1").find("Hola Ana") != std::string::npos);
    CHECK(text("L2").find("Hello Bob") != std::string::npos);
    CHECK(text("L3").find("Goodbye Cy") != std::string::npos);
    CHECK(text("L4").find("Hello Dee") != std::string::npos);
    CHECK(text("L5").find("Hello Eve") != std::string::npos);

    auto size = [&](const std::string& id) {
        test::Pdf pdf(out + "/" + id + ".pdf");
        return pdf.page_size(0);
    };
    CHECK(size("L4").first == doctest::Approx(595.3).epsilon(0.01));   // A4
    CHECK(size("L4").second == doctest::Approx(841.9).epsilon(0.01));
    CHECK(size("L5").first == doctest::Approx(612).epsilon(0.01));      // letter
    CHECK(size("L5").second == doctest::Approx(792).epsilon(0.01));

    auto report = test::read_json(out + "/report.json");
    CHECK(record_at(report, 1)["warnings"].empty());
    auto w2 = record_at(report, 2)["warnings"];
    REQUIRE(w2.size() == 1);
    CHECK_MESSAGE(w2[0].get<std::string>().find("greeting.fr.md") != std::string::npos, w2.dump());
    CHECK(record_at(report, 5)["warnings"].empty());
    CHECK(text("L6").find("Goodbye Fay") != std::string::npos);
    auto w6 = record_at(report, 6)["warnings"];
    REQUIRE(w6.size() == 1);
    CHECK_MESSAGE(w6[0].get<std::string>().find("farewell.es.md") != std::string::npos, w6.dump());
}

TEST_CASE("a re-run skips up-to-date records, --force renders them again, and a changed record alone renders") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, three_records);
    std::string out = dir / "out";
    auto args = batch_args(manifest, greeting, out, {"--jobs", "2"});

    auto first = test::run_batch_cli(args);
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    CHECK(statuses(test::read_json(out + "/report.json")) ==
          std::map<std::size_t, std::string>{{1, "ok"}, {2, "ok"}, {3, "ok"}});
    const std::string g1 = test::read_file(out + "/G1.pdf");
    const auto inode1 = inode_of(out + "/G1.pdf");

    auto again = test::run_batch_cli(args);
    CHECK_MESSAGE(again.exit_code == 0, again.err);
    auto report = test::read_json(out + "/report.json");
    CHECK(statuses(report) == std::map<std::size_t, std::string>{{1, "skipped"}, {2, "skipped"}, {3, "skipped"}});
    CHECK(report["totals"]["skipped"] == 3);
    CHECK(inode_of(out + "/G1.pdf") == inode1);  // not rewritten
    CHECK(record_at(report, 1)["output"] == out + "/G1.pdf");
    CHECK(record_at(report, 1)["bytes"] == g1.size());

    auto forced_args = args;
    forced_args.push_back("--force");
    auto forced = test::run_batch_cli(forced_args);
    CHECK_MESSAGE(forced.exit_code == 0, forced.err);
    CHECK(statuses(test::read_json(out + "/report.json")) ==
          std::map<std::size_t, std::string>{{1, "ok"}, {2, "ok"}, {3, "ok"}});
    CHECK(inode_of(out + "/G1.pdf") != inode1);  // written anew …
    CHECK(test::read_file(out + "/G1.pdf") == g1);  // … with the same bytes

    test::write_file(manifest, "patient.id,patient.name\nG1,Ana Ruiz\nG2,Bob Leeds\nG3,Cy Twombly\n");
    auto changed = test::run_batch_cli(args);
    CHECK_MESSAGE(changed.exit_code == 0, changed.err);
    CHECK(statuses(test::read_json(out + "/report.json")) ==
          std::map<std::size_t, std::string>{{1, "skipped"}, {2, "ok"}, {3, "skipped"}});
    test::Pdf g2(out + "/G2.pdf");
    REQUIRE(g2.ok());
    CHECK(test::normalize_space(g2.text()).find("Bob Leeds") != std::string::npos);
}

TEST_CASE("a deleted output, a changed content file or a changed SOURCE_DATE_EPOCH renders again") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, three_records);
    std::string content = dir / "greeting.md";
    test::write_file(content, test::read_file(greeting));
    std::string out = dir / "out";
    auto args = batch_args(manifest, content, out);
    REQUIRE(test::run_batch_cli(args).exit_code == 0);

    fs::remove(out + "/G3.pdf");
    CHECK(test::run_batch_cli(args).exit_code == 0);
    CHECK(statuses(test::read_json(out + "/report.json")) ==
          std::map<std::size_t, std::string>{{1, "skipped"}, {2, "skipped"}, {3, "ok"}});
    CHECK(test::exists(out + "/G3.pdf"));

    test::write_file(content, test::read_file(greeting) + "\nA new closing line.\n");
    CHECK(test::run_batch_cli(args).exit_code == 0);
    CHECK(statuses(test::read_json(out + "/report.json")) ==
          std::map<std::size_t, std::string>{{1, "ok"}, {2, "ok"}, {3, "ok"}});

    CHECK(test::run_batch_cli(args, {"SOURCE_DATE_EPOCH=1780000000"}).exit_code == 0);
    CHECK(statuses(test::read_json(out + "/report.json")) ==
          std::map<std::size_t, std::string>{{1, "ok"}, {2, "ok"}, {3, "ok"}});
}

TEST_CASE("a batch killed with SIGKILL leaves only whole PDFs, and a re-run completes it to the same bytes") {
    test::TempDir dir;
    const std::vector<std::string> names = {"José Núñez", "Ana Ruiz", "Nguyễn Thị Hương", "Zoë Brontë-Adébáyọ̀",
                                            "O'Neil, Patrick", "Małgorzata Wiśniewska", "Søren Østergaard"};
    std::string csv = "patient.id,patient.name,date,clinician.name,clinic.phone\n";
    const std::size_t total = 300;
    for (std::size_t i = 1; i <= total; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "R%04zu", i);
        csv += std::string(id) + ",\"" + names[i % names.size()] + "\",\"November " + std::to_string(1 + i % 28) +
               ", 2026\",Dr. Maya Okafor,(555) 014-2368\n";
    }
    std::string manifest = dir / "many.csv";
    test::write_file(manifest, csv);

    // A clean reference run.
    std::string ref = dir / "ref";
    auto r = test::run_batch_cli(batch_args(manifest, consent, ref, {"--jobs", "2", "--quiet"}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    REQUIRE(test::pdfs_in(ref).size() == total);

    // The same run, killed about 0.3 s in — once it has written some PDFs but long before the
    // last (on a machine fast enough to be near the end by then, as soon as 60 are written).
    std::string out = dir / "out";
    auto args = batch_args(manifest, consent, out, {"--jobs", "2", "--quiet"});
    int pid = test::spawn_cli(args, test::batch_env(), dir / "killed.out", dir / "killed.err");
    REQUIRE(pid > 0);
    const auto started = std::chrono::steady_clock::now();
    bool ended_early = false;
    while (std::chrono::steady_clock::now() - started < std::chrono::seconds(60)) {
        test::ChildEnd e = test::wait_child(pid, true);
        if (e.exited || e.signaled) {
            ended_early = true;
            break;
        }
        std::error_code ec;
        std::size_t written = 0;
        for (const auto& entry : fs::directory_iterator(out, ec)) {
            written += entry.path().extension() == ".pdf" ? 1 : 0;
        }
        if (written >= 60 || (written >= 1 && std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(300))) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE_MESSAGE(!ended_early, "the batch ended before it could be killed: " << test::read_file(dir / "killed.err"));
    ::kill(pid, SIGKILL);
    test::ChildEnd end = test::wait_child(pid);
    CHECK_MESSAGE(end.signaled, "the batch finished before SIGKILL; the test needs more records");
    CHECK(end.signal == SIGKILL);

    auto partial = test::pdfs_in(out);
    CHECK_MESSAGE(partial.size() < total, "all outputs were written before the kill");
    CHECK(partial.size() > 0);
    for (const auto& f : partial) {
        std::string bytes = test::read_file(out + "/" + f);
        CHECK_MESSAGE(whole_pdf(bytes), f << " is not a whole PDF (" << bytes.size() << " bytes)");
        test::Pdf pdf(out + "/" + f);
        CHECK_MESSAGE(pdf.ok(), f << ": " << pdf.error());
        CHECK(pdf.page_count() > 0);
    }

    // Resume.
    auto again = test::run_batch_cli(args);
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    auto files = test::pdfs_in(out);
    CHECK(files.size() == total);
    CHECK(files == test::pdfs_in(ref));
    std::vector<std::string> partial_differing, resumed_differing;
    for (const auto& f : files) {
        if (test::read_file(out + "/" + f) != test::read_file(ref + "/" + f)) {
            bool from_killed_run = std::find(partial.begin(), partial.end(), f) != partial.end();
            (from_killed_run ? partial_differing : resumed_differing).push_back(f);
        }
    }
    CHECK_MESSAGE(partial_differing.empty(), partial_differing.size() << " of the killed run's " << partial.size()
                                                                      << " PDFs differ from the reference run");
    CHECK_MESSAGE(resumed_differing.empty(), resumed_differing.size() << " of the re-run's "
                                                                      << files.size() - partial.size()
                                                                      << " PDFs differ from the reference run");
    for (const auto& f : test::list_files(out)) {
        CHECK_MESSAGE(f.find(".tmp-") == std::string::npos, "left over: " << f);
    }
    auto report = test::read_json(out + "/report.json");
    CHECK(report["totals"]["records"] == total);
    CHECK(report["totals"]["failed"] == 0);
    CHECK(report["totals"]["skipped"].get<std::size_t>() > 0);  // the killed run's whole outputs were kept
    CHECK(report["totals"]["ok"].get<std::size_t>() + report["totals"]["skipped"].get<std::size_t>() == total);
}

TEST_CASE("with stderr not a terminal a batch ends with a one-line summary") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, three_records + "G4,too,many\n");
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args(manifest, greeting, out));
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find("handout: 4 records: 3 ok, 0 skipped, 1 failed") != std::string::npos, r.err);
    CHECK(r.err.find('\r') == std::string::npos);       // no in-place redraws
    CHECK(r.err.find("\x1b[") == std::string::npos);     // no terminal escapes
    CHECK(r.out.empty());

    test::write_file(manifest, three_records);
    auto again = test::run_batch_cli(batch_args(manifest, greeting, out));
    CHECK(again.exit_code == 0);
    CHECK_MESSAGE(again.err.find("handout: 3 records: 0 ok, 3 skipped, 0 failed") != std::string::npos, again.err);
}

TEST_CASE("--quiet prints nothing on success") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, three_records);
    std::string out = dir / "out";
    auto r = test::run_batch_cli(batch_args(manifest, greeting, out, {"--quiet"}));
    CHECK(r.exit_code == 0);
    CHECK_MESSAGE(r.err.empty(), r.err);
    CHECK(r.out.empty());
    CHECK(test::pdfs_in(out).size() == 3);
    auto q = test::run_batch_cli(batch_args(manifest, greeting, out, {"-q"}));
    CHECK(q.exit_code == 0);
    CHECK(q.err.empty());
}

TEST_CASE("the report lists every record's row, id, status, output, pages, bytes, ms, warnings and error, then totals") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, three_records);
    std::string out = dir / "out";
    REQUIRE(test::run_batch_cli(batch_args(manifest, greeting, out, {"--quiet"})).exit_code == 0);
    // Second run: two kept, one new, one broken.
    test::write_file(manifest, three_records + "G4,Dee Dee\nG5,too,many\n");
    std::string report_path = dir / "elsewhere/report.json";
    auto r = test::run_batch_cli(batch_args(manifest, greeting, out, {"--report", report_path, "--jobs", "2"}));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("report: " + report_path) != std::string::npos);
    auto j = test::read_json(report_path);

    CHECK(j["handout_report"] == 1);
    CHECK(j["manifest"] == manifest);
    CHECK(j["shard"] == "1/1");
    CHECK(j["manifest_records"] == 5);
    REQUIRE(j["records"].size() == 5);
    const std::vector<std::string> keys = {"row", "id", "status", "output", "pages", "bytes", "ms", "warnings", "error"};
    std::size_t ok = 0, skipped = 0, failed = 0, pages = 0, bytes = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        const auto& rec = j["records"][i];
        std::vector<std::string> got;
        for (const auto& [k, _] : rec.items()) {
            got.push_back(k);
        }
        CHECK(got == keys);
        CHECK(rec["row"] == i + 1);
        if (i < 4) {  // row 5's fields cannot be trusted, so its id may be empty
            CHECK(rec["id"] == "G" + std::to_string(i + 1));
        }
        CHECK(rec["ms"].is_number());
        CHECK(rec["ms"].get<double>() >= 0);
        CHECK(rec["warnings"].is_array());
        std::string status = rec["status"];
        if (status == "failed") {
            ++failed;
            CHECK(rec["error"].is_string());
            CHECK(rec["output"].is_null());
        } else {
            ok += status == "ok";
            skipped += status == "skipped";
            CHECK(rec["error"].is_null());
            std::string output = rec["output"];
            CHECK(output == out + "/G" + std::to_string(i + 1) + ".pdf");
            CHECK(rec["bytes"] == test::read_file(output).size());
            if (status == "ok") {
                test::Pdf pdf(output);
                REQUIRE(pdf.ok());
                CHECK(rec["pages"] == pdf.page_count());
            }
        }
        pages += rec["pages"].get<std::size_t>();
        bytes += rec["bytes"].get<std::size_t>();
    }
    CHECK(statuses(j) == std::map<std::size_t, std::string>{
                             {1, "skipped"}, {2, "skipped"}, {3, "skipped"}, {4, "ok"}, {5, "failed"}});
    // Totals come last and match the records.
    std::string last_key;
    for (const auto& [k, _] : j.items()) {
        last_key = k;
    }
    CHECK(last_key == "totals");
    const auto& t = j["totals"];
    CHECK(t["records"] == 5);
    CHECK(t["ok"] == ok);
    CHECK(t["skipped"] == skipped);
    CHECK(t["failed"] == failed);
    CHECK(t["ok"] == 1);
    CHECK(t["skipped"] == 3);
    CHECK(t["failed"] == 1);
    CHECK(t["pages"] == pages);
    CHECK(t["bytes"] == bytes);
    CHECK(t["seconds"].is_number());
}

}  // TEST_SUITE
