"""Java 17: ``javac`` once per program, ``java`` per test, heap sized to the run's memory limit.

The class to run is ``Main`` or the source's public class (the file is renamed to match it, as javac requires);
when the ``main`` method is in another top-level class, that class runs. The JVM's reservations (code cache,
compressed class space) are cut so that it starts under the runner's address-space limit, and the heap gets the
limit minus room for the rest of the JVM.
"""

from __future__ import annotations

from r1verify_sandbox.languages import LanguageSpec

OVERHEAD_MB = 768
"""Address space the JVM reserves beyond its heap (code cache, class space, metaspace, thread stacks, malloc
arenas): measured at ~600 MiB for java 17 under ``ulimit -v``; the heap (``-Xmx``) gets the memory limit."""

_JVM = (
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:CICompilerCount=1",
    "-XX:ReservedCodeCacheSize=32m",
    "-XX:CompressedClassSpaceSize=32m",
    "-XX:MaxMetaspaceSize=96m",
    "-XX:-UsePerfData",
    "-Xshare:auto",
    "-Xss16m",
)

_DETECT = r'''
import os, re, subprocess, sys
src = open("Main.java", encoding="utf-8", errors="replace").read()
clean = re.sub(r'//[^\n]*|/\*.*?\*/|"""(?:.|\n)*?"""|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', " ", src, flags=re.S)
kind = r"(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)"
public = re.search(r"\bpublic\s+(?:(?:final|abstract|static|strictfp|sealed|non-sealed)\s+)*" + kind, clean)
name = public.group(1) if public else "Main"
entry = re.search(r"\bstatic\s+(?:final\s+)?void\s+main\s*\(", clean)
owners, depth = [], 0  # the top-level types declared before main: the last one holds it
for m in re.finditer(r"[{}]|\b" + kind, clean[: entry.start()] if entry else ""):
    if m.group(0) in "{}":
        depth += 1 if m.group(0) == "{" else -1
    elif depth == 0:
        owners.append(m.group(1))
main = owners[-1] if owners else name
if name != "Main":
    os.rename("Main.java", name + ".java")
jvm = ["-J" + flag for flag in sys.argv[1:]]
os.environ["MALLOC_ARENA_MAX"] = "2"
status = subprocess.call(["javac", *jvm, "-J-Xmx768m", "-encoding", "UTF-8", "-nowarn", "-d", ".", name + ".java"])
if name != "Main":
    os.remove(name + ".java")
with open(".main", "w") as fh:
    fh.write(main)
sys.exit(status)
'''

_RUN = (
    'v=$(ulimit -v); heap=""; export MALLOC_ARENA_MAX=2; '
    f'if [ "$v" != unlimited ]; then m=$((v / 1024 - {OVERHEAD_MB})); [ "$m" -lt 16 ] && m=16; heap="-Xmx${{m}}m"; fi; '
    'exec java "$@" $heap -cp . "$(cat .main)"'
)

JAVA = LanguageSpec(
    name="java",
    source_file="Main.java",
    compile=("python3", "-I", "-c", _DETECT, *_JVM),
    run=("sh", "-c", _RUN, "java", *_JVM),
    aliases=("java17", "jdk"),
    runtime_overhead_mb=OVERHEAD_MB,
)
