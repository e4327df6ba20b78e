"""The documentation against the program.

usage: docs_match.py defaults KEYAUDIT doc/keyaudit.1
       docs_match.py kinds KEYAUDIT doc/keyaudit.1 docs/reports.md
       docs_match.py columns docs/page.md SECTION HEADER_FILE
       docs_match.py demo README.md OUTPUT_FILE

defaults: every default keyaudit(1) gives an option is the one its
command's --help gives, and the other way round (the words after
"default", the manual's markup taken out).
kinds: every report kind of `report --help` is named in keyaudit(1)'s
report section and has a section of its own in docs/reports.md.
columns: the section of a docs page (its "## SECTION" heading, or the
whole page for "-") shows the header line in HEADER_FILE, as it is.
demo: README.md's demo block is what `make demo` printed (a line "..."
stands for any lines; a fingerprint for any fingerprint).
"""
import re
import subprocess
import sys

errors = []


def norm(s):
    s = re.sub(r"\\-", "-", s)
    s = re.sub(r"\\&", "", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip().rstrip(".").strip().lower()


def manual_items(path):
    """{(command, --option): item text with the markup taken out}."""
    items = {}
    section = key = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".Sh "):
            section = key = None
        elif line.startswith(".Ss "):
            section, key = line[4:], None
        elif section and line.startswith(".It Fl "):
            names = re.findall(r"Fl (\\-[a-z][a-z-]*)", line)
            key = (section, names[-1].replace("\\-", "--")) if names else None
            if key:
                items[key] = ""
        elif line.startswith(".El"):
            key = None
        elif key:
            if line.startswith("."):
                # ".Cm csv ) ." -> "csv )"; ".Fl ," -> "-,"; ".Ev X" ->
                # "$X"
                line = re.sub(r"^\.Fl\s*", "-", line)
                line = re.sub(r"^\.Ev\s*", "$", line)
                line = re.sub(r"^\.[A-Z][a-z]\s*", "", line)
                line = re.sub(r"\s*\bNs\s+(?:[A-Z][a-z]\s+)?", "", line)
                line = re.sub(r"\s+([,.;:)])(?=\s|$)", r"\1", line)
            items[key] += " " + line
    return items


def help_defaults(keyaudit, words):
    """{--option: its default's words} of `keyaudit WORDS --help`."""
    out = subprocess.run([keyaudit, *words, "--help"], capture_output=True,
                         text=True).stdout
    opts = {}
    name = None
    for line in out.splitlines():
        m = re.match(r"^  (?:-[a-zA-Z], )?(--[a-z-]+)(.*)$", line)
        if m:
            name = m.group(1)
            opts[name] = m.group(2)
        elif name and line.startswith("      "):
            opts[name] += " " + line.strip()
        else:
            name = None
    return {o: d for o, d in ((o, default_of(t)) for o, t in opts.items())
            if d is not None}


def default_of(text):
    m = re.search(r"\bdefault:? (.*?)\)(?:[,;.]|$| )", text + " ")
    if not m:
        return None
    return norm(m.group(1).replace("stdout", "standard output"))


STOP = {"the", "and", "like", "else", "or"}
# described in full once (ingest's section), named by the others
COMMON = {"--db", "--key-file", "--wait", "--rules"}


def same_default(a, b):
    """Numbers equal, in order, when either has one; else the words of
    one are among the other's."""
    if re.match(r"\d", a) or re.match(r"\d", b):
        a, b = re.split(r"[:;] ", a)[0], re.split(r"[:;] ", b)[0]
        return (re.findall(r"\d+(?:\.\d+)?", a) ==
                re.findall(r"\d+(?:\.\d+)?", b))
    wa = set(re.findall(r"[\w$.'-]+", a)) - STOP
    wb = set(re.findall(r"[\w$.'-]+", b)) - STOP
    return wa <= wb or wb <= wa


def defaults(keyaudit, manual):
    items = manual_items(manual)
    by_cmd = {}
    anywhere = {}
    for (cmd, opt), text in items.items():
        by_cmd.setdefault(cmd, {})[opt] = default_of(norm(text))
        if by_cmd[cmd][opt] is not None and opt in COMMON:
            anywhere.setdefault(opt, by_cmd[cmd][opt])
    for cmd, opts in sorted(by_cmd.items()):
        if cmd in ("Common options", "Without a command"):
            continue
        got = help_defaults(keyaudit, cmd.split())
        for opt, want in sorted(opts.items()):
            have = got.get(opt)
            if want is None:
                # said once, where the option is described in full
                want = anywhere.get(opt)
            if want is None and have is None:
                continue
            if want is None:
                errors.append(f"{cmd} {opt}: --help says default {have!r},"
                              " keyaudit(1) says none")
            elif have is None:
                errors.append(f"{cmd} {opt}: keyaudit(1) says default "
                              f"{want!r}, --help says none")
            elif not same_default(want, have):
                errors.append(f"{cmd} {opt}: keyaudit(1) says default "
                              f"{want!r}, --help says {have!r}")


def kinds(keyaudit, manual, reports):
    out = subprocess.run([keyaudit, "report", "--help"], capture_output=True,
                         text=True).stdout
    m = re.search(r"kinds: (.*?)\n\n", out, re.S)
    names = [k.strip() for k in m.group(1).replace("\n", " ").split(",")]
    page = open(manual, encoding="utf-8").read()
    sect = page.split(".Ss report\n")[1].split(".Bl")[0]
    doc = open(reports, encoding="utf-8").read()
    for k in names:
        if not re.search(r"^\.Cm %s\b" % k, sect, re.M):
            errors.append(f"report kind {k} is not in keyaudit(1)")
        if not re.search(r"^## %s$" % k, doc, re.M):
            errors.append(f"report kind {k} has no section in {reports}")


def columns(page, section, header_file):
    text = open(page, encoding="utf-8").read()
    if section != "-":
        parts = re.split(r"^## ", text, flags=re.M)
        found = [p for p in parts if p.split("\n")[0].strip() == section]
        if not found:
            errors.append(f"{page}: no section {section}")
            return
        text = found[0]
    header = open(header_file, encoding="utf-8-sig").readline().strip()
    lines = [ln.strip() for ln in text.splitlines()]
    if header not in lines:
        errors.append(f"{page} {section}: the header line is not shown "
                      f"as it is: {header}")


def demo(readme, output):
    text = open(readme, encoding="utf-8").read()
    block = text.split("`make demo` ends with what the sample logs say:")[1]
    want = []
    for line in block.split("\n")[2:]:
        if not line.startswith("    "):
            break
        want.append(line[4:])
    got = [ln for ln in open(output, encoding="utf-8").read().splitlines()]
    got = got[got.index(want[0]):] if want and want[0] in got else got
    fp = re.compile(r"fp:[0-9a-f]{16}")
    i = 0
    for j, w in enumerate(want):
        if w.strip() == "...":
            nxt = want[j + 1] if j + 1 < len(want) else None
            while i < len(got) and got[i] != nxt:
                i += 1
            continue
        g = got[i] if i < len(got) else "(nothing)"
        if fp.sub("fp:", g) != fp.sub("fp:", w):
            errors.append(f"README demo line {j + 1}: shows {w!r}, "
                          f"make demo prints {g!r}")
            return
        i += 1
    if i != len(got):
        errors.append(f"make demo prints more than README shows: {got[i]!r}")


def main():
    what = sys.argv[1]
    if what == "defaults":
        defaults(*sys.argv[2:4])
    elif what == "kinds":
        kinds(*sys.argv[2:5])
    elif what == "columns":
        columns(*sys.argv[2:5])
    elif what == "demo":
        demo(*sys.argv[2:4])
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


main()
