"""The hostile suite in Java, JavaScript (node), Go and Rust: one program per language and attack.

Attacks (the same in every language): ``fork_bomb`` (processes and threads without bound), ``disk_fill`` (the
read-only root, then the work dir and /tmp until ENOSPC, then one file past the file-size limit),
``network`` (TCP to 127.0.0.1 ports and public IP literals: no DNS, only literals), ``other_containers`` (the
docker socket, the runner's environ, docker's storage, the host repo, and a listing of /tmp and /dev/shm where a
canary planted by another pool container must not appear), ``proc_escape`` (/proc/self/root, /proc/1/root,
/proc/sys, /proc/sysrq-trigger, mount) and ``runner_write`` (the runner script and package).

A probe prints ``<label> denied ...`` or ``<label> ALLOWED``; a probing program then exits 7 when everything was
denied (a ``runtime_error`` verdict) and 0 after printing ``ESCAPED`` when anything was allowed, so an escape can
never look like a contained attack. ``canary`` lists what every program of the attack must print.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from r1verify_sandbox import ExecStatus, Limits

LANGUAGES = ("java", "javascript", "go", "rust")
ATTACK_NAMES = ("fork_bomb", "disk_fill", "network", "other_containers", "proc_escape", "runner_write")

PROBE_LIMITS = Limits(timeout=10.0, memory_mb=256, max_output=1 << 16, max_procs=32, compile_timeout=20.0)
"""Probing programs end by themselves (a filled tmpfs takes a while on a busy machine)."""
BOMB_LIMITS = Limits(timeout=1.5, memory_mb=256, max_output=1 << 16, max_procs=32, compile_timeout=20.0)
"""Fork bombs run until they are stopped."""
SLACK = 5.0
"""Seconds a run or compile may take past its limit (kill, reap, report on a loaded 2-core machine)."""
EXIT_CONTAINED = 7

TCP = (("127.0.0.1", 22), ("127.0.0.1", 80), ("127.0.0.1", 2375), ("127.0.0.1", 8080), ("1.1.1.1", 80),
       ("8.8.8.8", 53))  # fmt: skip
RUNNER = "/opt/r1verify/runner.py"
RUNNER_MODULE = "/opt/r1verify/r1runner/main.py"


@dataclass(frozen=True)
class Attack:
    language: str
    attack: str
    source: str
    statuses: tuple[ExecStatus, ...]
    must_print: tuple[str, ...] = ()
    must_not_print: tuple[str, ...] = ("ALLOWED", "ESCAPED")
    exit_code: int | None = None
    limits: Limits = field(default=PROBE_LIMITS)

    @property
    def id(self) -> str:
        return f"{self.language}-{self.attack}"


# Each probe is (label, kind, argument); the languages' bodies are generated from these.
PROBES: dict[str, list[tuple[str, str, str]]] = {
    "network": [(f"tcp {host}:{port}", "connect", f"{host}:{port}") for host, port in TCP],
    "other_containers": [
        ("docker socket", "read", "/var/run/docker.sock"),
        ("docker socket run", "read", "/run/docker.sock"),
        ("runner environ", "read", "/proc/1/environ"),
        ("docker storage", "list", "/var/lib/docker"),
        ("host repo", "list", "/work"),
        ("root home", "list", "/root"),
    ],
    "proc_escape": [
        ("self root write", "create", "/proc/self/root/evil"),
        ("init root", "list", "/proc/1/root"),
        ("init root write", "create", "/proc/1/root/tmp/evil"),
        ("proc sys hostname", "write", "/proc/sys/kernel/hostname"),
        ("proc sys drop caches", "write", "/proc/sys/vm/drop_caches"),
        ("sysrq trigger", "write", "/proc/sysrq-trigger"),
        ("mount tmpfs", "run", "mount -t tmpfs none mnt"),
        ("remount root rw", "run", "mount -o remount,rw /"),
    ],
    "runner_write": [
        ("runner readable", "readok", RUNNER),
        ("runner", "append", RUNNER),
        ("runner module", "append", RUNNER_MODULE),
        ("runner new module", "create", "/opt/r1verify/r1runner/evil.py"),
        ("runner via proc", "append", "/proc/self/root" + RUNNER),
        ("runner replace", "rename", RUNNER),
    ],
}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ------------------------------------------------------------------ Java
_JAVA_HEAD = """import java.io.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
public class Main {
  static boolean allowed = false;
  static void probe(String label, Act a) {
    try { a.run(); System.out.println(label + " ALLOWED"); allowed = true; }
    catch (Throwable e) { System.out.println(label + " denied " + e.getClass().getSimpleName()); }
  }
  static void open(String p, boolean append) throws Exception { try (FileOutputStream f = new FileOutputStream(p, append)) { f.write('1'); } }
  static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start(); p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) throw new IOException("exit " + p.exitValue());
  }
  static void list(String p) throws Exception { try (var s = Files.list(Paths.get(p))) { s.count(); } }
  static void connect(String h, int port) throws Exception { try (Socket s = new Socket()) { s.connect(new InetSocketAddress(h, port), 1000); } }
  static void finish() { if (allowed) { System.out.println("ESCAPED"); System.out.flush(); System.exit(0); } System.out.flush(); System.exit(7); }
  public static void main(String[] args) throws Exception {
    new File("mnt").mkdir();
"""
_JAVA_TAIL = "    finish();\n  }\n  interface Act { void run() throws Exception; }\n}\n"  # after main: see NESTED_BEFORE_MAIN


def _java_probe(label: str, kind: str, arg: str) -> str:
    if kind == "readok":
        return (
            f"    try {{ Files.readAllBytes(Paths.get({_q(arg)})); System.out.println({_q(label)} + \" yes\"); }}"
            f" catch (Exception e) {{ System.out.println({_q(label)} + \" no\"); }}\n"
        )
    act = {
        "read": f"Files.readAllBytes(Paths.get({_q(arg)}))",
        "list": f"list({_q(arg)})",
        "create": f"open({_q(arg)}, false)",
        "write": f"open({_q(arg)}, false)",
        "append": f"open({_q(arg)}, true)",
        "rename": f"Files.move(Paths.get({_q(arg)}), Paths.get({_q(arg + '.old')}))",
        "run": "run(" + ", ".join(_q(w) for w in arg.split()) + ")",
        "connect": "connect({}, {})".format(_q(arg.partition(":")[0]), arg.partition(":")[2]),
    }[kind]
    return f"    probe({_q(label)}, () -> {act});\n"


_JAVA_DISK = """    byte[] mb = new byte[1 << 20];
    probe("root fs", () -> open("/evil", false));
    probe("usr", () -> open("/usr/bin/evil", false));
    int n = 0; String why = "";
    try { for (;; n++) { try (FileOutputStream f = new FileOutputStream("fill" + n)) { for (int i = 0; i < 32; i++) f.write(mb); } } }
    catch (IOException e) { why = String.valueOf(e.getMessage()); }
    System.out.println("work dir " + (why.contains("No space left") ? "full ENOSPC" : "error " + why) + " after " + n);
    String tw = "";
    try (FileOutputStream f = new FileOutputStream("/tmp/fill")) { for (int i = 0; i < 32; i++) f.write(mb); } catch (IOException e) { tw = String.valueOf(e.getMessage()); }
    System.out.println("tmp " + (tw.contains("No space left") ? "full ENOSPC" : "error " + tw));
    for (int i = 0; i <= n; i++) new File("fill" + i).delete();
    new File("/tmp/fill").delete();
    probe("big file", () -> { try (FileOutputStream f = new FileOutputStream("big")) { for (int i = 0; i < 200; i++) f.write(mb); } });
"""
_JAVA_BOMB = """public class Main { public static void main(String[] a) {
  for (;;) {
    try { Thread t = new Thread(() -> { try { Thread.sleep(100000); } catch (InterruptedException e) { } }); t.setDaemon(true); t.start(); } catch (Throwable e) { }
    try { new ProcessBuilder("sleep", "100").start(); } catch (Throwable e) { }
  } } }
"""
_JAVA_LIST = """    for (String d : new String[] {"/tmp", "/dev/shm"}) {
      String[] names = new File(d).list(); Arrays.sort(names); System.out.println("listing " + d + " " + String.join(",", names));
    }
"""

# ------------------------------------------------------------------ JavaScript
_JS_HEAD = """const fs = require('fs'); const cp = require('child_process'); const net = require('net');
let allowed = false;
async function probe(label, act) {
  try { await act(); console.log(label + ' ALLOWED'); allowed = true; }
  catch (e) { console.log(label + ' denied ' + (e.code || e.name || e)); }
}
function open(p, flag) { const fd = fs.openSync(p, flag); try { fs.writeSync(fd, '1'); } finally { fs.closeSync(fd); } }
function run(...argv) { const r = cp.spawnSync(argv[0], argv.slice(1)); if (r.status !== 0) throw new Error('exit ' + r.status); }
function connect(host, port) {
  return new Promise((ok, fail) => {
    const s = net.connect({ host, port, timeout: 1000 });
    s.on('connect', () => { s.destroy(); ok(); });
    s.on('error', fail);
    s.on('timeout', () => { s.destroy(); fail(new Error('timeout')); });
  });
}
function finish() { if (allowed) { console.log('ESCAPED'); process.exitCode = 0; } else { process.exitCode = 7; } }
(async () => {
  fs.mkdirSync('mnt');
"""
_JS_TAIL = "  finish();\n})();\n"


def _js_probe(label: str, kind: str, arg: str) -> str:
    if kind == "readok":
        return (
            f"  try {{ fs.readFileSync({_q(arg)}); console.log({_q(label)} + ' yes'); }}"
            f" catch (e) {{ console.log({_q(label)} + ' no'); }}\n"
        )
    act = {
        "read": f"fs.readFileSync({_q(arg)})",
        "list": f"fs.readdirSync({_q(arg)})",
        "create": f"open({_q(arg)}, 'w')",
        "write": f"open({_q(arg)}, 'w')",
        "append": f"open({_q(arg)}, 'a')",
        "rename": f"fs.renameSync({_q(arg)}, {_q(arg + '.old')})",
        "run": "run(" + ", ".join(_q(w) for w in arg.split()) + ")",
        "connect": "connect({}, {})".format(_q(arg.partition(":")[0]), arg.partition(":")[2]),
    }[kind]
    return f"  await probe({_q(label)}, () => {act});\n"


_JS_DISK = """  const mb = Buffer.alloc(1 << 20, 120);
  await probe('root fs', () => open('/evil', 'w'));
  await probe('usr', () => open('/usr/bin/evil', 'w'));
  function fill(path) { const fd = fs.openSync(path, 'w'); try { for (let i = 0; i < 32; i++) fs.writeSync(fd, mb); } finally { fs.closeSync(fd); } }
  let n = 0, why = '';
  try { for (;; n++) fill('fill' + n); } catch (e) { why = e.code || String(e); }
  console.log('work dir ' + (why === 'ENOSPC' ? 'full ENOSPC' : 'error ' + why) + ' after ' + n);
  let tw = '';
  try { fill('/tmp/fill'); } catch (e) { tw = e.code || String(e); }
  console.log('tmp ' + (tw === 'ENOSPC' ? 'full ENOSPC' : 'error ' + tw));
  for (let i = 0; i <= n; i++) fs.rmSync('fill' + i, { force: true });
  fs.rmSync('/tmp/fill', { force: true });
  await probe('big file', () => { const fd = fs.openSync('big', 'w'); for (let i = 0; i < 200; i++) fs.writeSync(fd, mb); });
"""
_JS_BOMB = """const cp = require('child_process'); const { Worker } = require('worker_threads');
for (;;) {
  try { cp.spawn('sleep', ['100']).on('error', () => {}); } catch (e) { }
  try { new Worker('setInterval(() => {}, 1000)', { eval: true }).on('error', () => {}); } catch (e) { }
}
"""
_JS_LIST = """  for (const d of ['/tmp', '/dev/shm']) console.log('listing ' + d + ' ' + fs.readdirSync(d).sort().join(','));
"""

# ------------------------------------------------------------------ Go
_GO_HEAD = """package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

var _, _, _, _ = errors.Is, sort.Strings, strings.Join, syscall.ENOSPC
var allowed bool

func probe(label string, act func() error) {
	if err := act(); err == nil {
		fmt.Println(label, "ALLOWED")
		allowed = true
	} else {
		fmt.Println(label, "denied", err)
	}
}
func open(p string, flag int) error {
	f, err := os.OpenFile(p, flag|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write([]byte("1"))
	return err
}
func list(p string) error { _, err := os.ReadDir(p); return err }
func read(p string) error { _, err := os.ReadFile(p); return err }
func run(argv ...string) error { return exec.Command(argv[0], argv[1:]...).Run() }
func connect(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err
}
func finish() {
	if allowed {
		fmt.Println("ESCAPED")
		os.Exit(0)
	}
	os.Exit(7)
}
func main() {
	os.Mkdir("mnt", 0o755)
"""
_GO_TAIL = "\tfinish()\n}\n"


def _go_probe(label: str, kind: str, arg: str) -> str:
    if kind == "readok":
        return (
            f"\tif read({_q(arg)}) == nil {{\n\t\tfmt.Println({_q(label)}, \"yes\")\n\t}} else {{\n"
            f"\t\tfmt.Println({_q(label)}, \"no\")\n\t}}\n"
        )
    act = {
        "read": f"read({_q(arg)})",
        "list": f"list({_q(arg)})",
        "create": f"open({_q(arg)}, os.O_CREATE|os.O_TRUNC)",
        "write": f"open({_q(arg)}, os.O_TRUNC)",
        "append": f"open({_q(arg)}, os.O_APPEND)",
        "rename": f"os.Rename({_q(arg)}, {_q(arg + '.old')})",
        "run": "run(" + ", ".join(_q(w) for w in arg.split()) + ")",
        "connect": f"connect({_q(arg)})",
    }[kind]
    return f"\tprobe({_q(label)}, func() error {{ return {act} }})\n"


_GO_DISK = """	mb := make([]byte, 1<<20)
	probe("root fs", func() error { return open("/evil", os.O_CREATE) })
	probe("usr", func() error { return open("/usr/bin/evil", os.O_CREATE) })
	fill := func(p string, chunks int) error {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		defer f.Close()
		for i := 0; i < chunks; i++ {
			if _, err := f.Write(mb); err != nil {
				return err
			}
		}
		return nil
	}
	n := 0
	var why error
	for ; why == nil; n++ {
		why = fill(fmt.Sprint("fill", n), 32)
	}
	if errors.Is(why, syscall.ENOSPC) {
		fmt.Println("work dir full ENOSPC after", n)
	} else {
		fmt.Println("work dir error", why)
	}
	if tw := fill("/tmp/fill", 32); errors.Is(tw, syscall.ENOSPC) {
		fmt.Println("tmp full ENOSPC")
	} else {
		fmt.Println("tmp error", tw)
	}
	for i := 0; i <= n; i++ {
		os.Remove(fmt.Sprint("fill", i))
	}
	os.Remove("/tmp/fill")
	probe("big file", func() error { return fill("big", 200) })
"""
_GO_BOMB = """package main

import (
	"os/exec"
	"time"
)

func main() {
	for {
		go func() { exec.Command("sleep", "100").Run() }()
		go func() { time.Sleep(time.Hour) }()
	}
}
"""
_GO_LIST = """	for _, d := range []string{"/tmp", "/dev/shm"} {
		entries, _ := os.ReadDir(d)
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		fmt.Println("listing", d, strings.Join(names, ","))
	}
"""

# ------------------------------------------------------------------ Rust
_RS_HEAD = """#![allow(unused_imports, dead_code)]
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static ALLOWED: AtomicBool = AtomicBool::new(false);

fn probe<F: FnOnce() -> io::Result<()>>(label: &str, act: F) {
    match act() {
        Ok(()) => { println!("{} ALLOWED", label); ALLOWED.store(true, Ordering::SeqCst); }
        Err(e) => println!("{} denied {}", label, e),
    }
}
fn open(p: &str, create: bool, append: bool) -> io::Result<()> {
    let mut f = OpenOptions::new().write(!append).append(append).create(create).truncate(create).open(p)?;
    f.write_all(b"1")
}
fn run(argv: &[&str]) -> io::Result<()> {
    let s = Command::new(argv[0]).args(&argv[1..]).output()?.status;
    if s.success() { Ok(()) } else { Err(io::Error::new(io::ErrorKind::Other, format!("{}", s))) }
}
fn connect(addr: &str) -> io::Result<()> {
    TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(1)).map(|_| ())
}
fn finish() -> ! {
    if ALLOWED.load(Ordering::SeqCst) { println!("ESCAPED"); std::process::exit(0) }
    std::process::exit(7)
}
fn main() {
    let _ = fs::create_dir("mnt");
"""
_RS_TAIL = "    finish();\n}\n"


def _rs_probe(label: str, kind: str, arg: str) -> str:
    if kind == "readok":
        found = f"if fs::read({_q(arg)}).is_ok() {{ \"yes\" }} else {{ \"no\" }}"
        return f"    println!(\"{{}} {{}}\", {_q(label)}, {found});\n"
    act = {
        "read": f"fs::read({_q(arg)}).map(|_| ())",
        "list": f"fs::read_dir({_q(arg)}).map(|_| ())",
        "create": f"open({_q(arg)}, true, false)",
        "write": f"open({_q(arg)}, false, false)",
        "append": f"open({_q(arg)}, false, true)",
        "rename": f"fs::rename({_q(arg)}, {_q(arg + '.old')})",
        "run": "run(&[" + ", ".join(_q(w) for w in arg.split()) + "])",
        "connect": f"connect({_q(arg)})",
    }[kind]
    return f"    probe({_q(label)}, || {act});\n"


_RS_DISK = """    let mb = vec![b'x'; 1 << 20];
    probe("root fs", || open("/evil", true, false));
    probe("usr", || open("/usr/bin/evil", true, false));
    let fill = |p: &str, chunks: usize| -> io::Result<()> {
        let mut f = fs::File::create(p)?;
        for _ in 0..chunks { f.write_all(&mb)?; }
        Ok(())
    };
    let mut n = 0;
    let why = loop { if let Err(e) = fill(&format!("fill{}", n), 32) { break e; } n += 1; };
    if why.raw_os_error() == Some(28) { println!("work dir full ENOSPC after {}", n); } else { println!("work dir error {}", why); }
    match fill("/tmp/fill", 32) {
        Err(e) if e.raw_os_error() == Some(28) => println!("tmp full ENOSPC"),
        other => println!("tmp error {:?}", other),
    }
    for i in 0..=n { let _ = fs::remove_file(format!("fill{}", i)); }
    let _ = fs::remove_file("/tmp/fill");
    probe("big file", || fill("big", 200));
"""
_RS_BOMB = """use std::process::Command;
use std::thread;
use std::time::Duration;
fn main() {
    loop {
        let _ = Command::new("sleep").arg("100").spawn();
        let _ = thread::Builder::new().spawn(|| thread::sleep(Duration::from_secs(100)));
    }
}
"""
_RS_LIST = """    for d in ["/tmp", "/dev/shm"] {
        let mut names: Vec<String> = fs::read_dir(d).map(|it| it.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
        names.sort();
        println!("listing {} {}", d, names.join(","));
    }
"""

_PARTS = {  # language: (head, tail, probe, disk fill body, fork bomb program, listing body)
    "java": (_JAVA_HEAD, _JAVA_TAIL, _java_probe, _JAVA_DISK, _JAVA_BOMB, _JAVA_LIST),
    "javascript": (_JS_HEAD, _JS_TAIL, _js_probe, _JS_DISK, _JS_BOMB, _JS_LIST),
    "go": (_GO_HEAD, _GO_TAIL, _go_probe, _GO_DISK, _GO_BOMB, _GO_LIST),
    "rust": (_RS_HEAD, _RS_TAIL, _rs_probe, _RS_DISK, _RS_BOMB, _RS_LIST),
}

DISK_MARKS = ("root fs denied", "usr denied", "work dir full ENOSPC", "tmp full ENOSPC")


def _attack(language: str, name: str) -> Attack:
    head, tail, probe, disk, bomb, listing = _PARTS[language]
    if name == "fork_bomb":
        # (the JVM logs each failed thread start to stdout: that can be output_limit)
        statuses = (ExecStatus.TIMEOUT, ExecStatus.RUNTIME_ERROR, ExecStatus.MEMORY_LIMIT, ExecStatus.OUTPUT_LIMIT)
        return Attack(language, name, bomb, statuses, limits=BOMB_LIMITS)
    if name == "disk_fill":  # the oversized file may end it by SIGXFSZ (runtimes that do not ignore it)
        return Attack(language, name, head + disk + tail, (ExecStatus.RUNTIME_ERROR,), must_print=DISK_MARKS)
    probes = PROBES[name]
    body = "".join(probe(*p) for p in probes) + (listing if name == "other_containers" else "")
    marks = tuple(f"{label} {'yes' if kind == 'readok' else 'denied'}" for label, kind, _ in probes)
    if name == "other_containers":
        marks += ("listing /tmp r1v", "listing /dev/shm")
    return Attack(language, name, head + body + tail, (ExecStatus.RUNTIME_ERROR,), marks, exit_code=EXIT_CONTAINED)


ATTACKS: list[Attack] = [_attack(lang, name) for lang in LANGUAGES for name in ATTACK_NAMES]

CANARY = (
    "import os, sys, time\nname, seconds = sys.stdin.read().split()\n"
    "open('/tmp/' + name, 'w').write(name)\nopen('/dev/shm/' + name, 'w').write(name)\nopen(name, 'w').write(name)\n"
    "print('planted', time.time(), sorted(os.listdir('/tmp')), os.listdir('/dev/shm'), flush=True)\n"
    "time.sleep(float(seconds))\nprint('done', time.time())\n"
)
"""Planted by one pool container while the ``other_containers`` attacks run in the others: its name and how long
to stay (stdin); the name is written to /tmp, /dev/shm and its work dir, and must not appear in any attacker's
listing."""

DEEP_RECURSION = {  # plain recursion, its depth from stdin; what too deep a recursion must say
    "javascript": (
        "function f(n) { return n === 0 ? 0 : 1 + f(n - 1); }\n"
        "console.log(f(Number(require('fs').readFileSync(0, 'utf8'))));\n",
        "RangeError: Maximum call stack size exceeded",
    ),
    "java": (
        "public class Main { static int f(int n) { return n == 0 ? 0 : 1 + f(n - 1); }\n"
        "  public static void main(String[] a) { System.out.println(f(new java.util.Scanner(System.in).nextInt())); } }\n",
        "java.lang.StackOverflowError",
    ),
    "go": (
        'package main\nimport "fmt"\nfunc f(n int) int { if n == 0 { return 0 }; return 1 + f(n-1) }\n'
        "func main() { var n int; fmt.Scan(&n); fmt.Println(f(n)) }\n",
        "out of memory",  # goroutine stacks grow on the heap: GOMEMLIMIT / ulimit -v end it
    ),
    "rust": (  # the volatile read keeps each frame alive across the call (rustc -O would make a loop of it)
        "fn f(n: u64) -> u64 { if n == 0 { return 0; } let mut buf = [0u8; 64]; buf[(n % 64) as usize] = 1;\n"
        "  let r = f(n - 1); r + 1 + unsafe { std::ptr::read_volatile(&buf[(r % 64) as usize]) } as u64 * 0 }\n"
        "fn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap();\n"
        '  println!("{}", f(s.trim().parse().unwrap())); }\n',
        "has overflowed its stack",
    ),
}
"""100k deep must complete in each language; 100M deep (256 MiB) must fail cleanly with the message, never by SIGSEGV
(node's --stack-size once exceeded the container's 8 MiB stack and it segfaulted)."""
DEPTHS = ("100000", "100000000")

NESTED_BEFORE_MAIN = (
    "public class Main {\n  interface Act { void run(); }\n"
    "  public static void main(String[] a) { Act x = () -> System.out.println(\"ran Main\"); x.run(); }\n}\n"
)
"""A nested type declared before ``main``: java.py's class detection takes it for the class to run (known bug)."""
