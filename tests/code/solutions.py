"""Solutions written by the r1verify team for upstream problems whose samples ship none (see PROVENANCE.md)."""

CODE_CONTESTS_17_PY = """\
n = input().strip()
m = input().strip()
digits = sorted(n)
if digits[0] == "0" and len(digits) > 1:
    first = next(i for i, d in enumerate(digits) if d != "0")
    digits[0], digits[first] = digits[first], digits[0]
print("OK" if "".join(digits) == m else "WRONG_ANSWER")
"""

CODE_CONTESTS_17_CPP = """\
#include <bits/stdc++.h>
using namespace std;
int main() {
    string n, m;
    cin >> n >> m;
    sort(n.begin(), n.end());
    if (n.size() > 1 && n[0] == '0') {
        size_t i = n.find_first_not_of('0');
        swap(n[0], n[i]);
    }
    cout << (n == m ? "OK" : "WRONG_ANSWER") << endl;
}
"""

LCB_1873_A = """\
t = int(input())
for _ in range(t):
    s = input().strip()
    wrong = sum(a != b for a, b in zip(s, "abc"))
    print("YES" if wrong in (0, 2) else "NO")
"""

LCB_ABC301_A = """\
n = int(input())
s = input().strip()
t, a = s.count("T"), s.count("A")
if t != a:
    print("T" if t > a else "A")
else:
    print("A" if s[-1] == "T" else "T")
"""

LCB_2727 = """\
from typing import List

class Solution:
    def countSeniors(self, details: List[str]) -> int:
        return sum(int(d[11:13]) > 60 for d in details)
"""

HUMANEVAL_CPP_0 = """\
#include <bits/stdc++.h>
bool has_close_elements(std::vector<float> numbers, float threshold) {
    for (size_t i = 0; i < numbers.size(); ++i)
        for (size_t j = i + 1; j < numbers.size(); ++j)
            if (std::fabs(numbers[i] - numbers[j]) < threshold) return true;
    return false;
}
"""

HUMANEVAL_CPP_1 = """\
#include <bits/stdc++.h>
std::vector<std::string> separate_paren_groups(std::string paren_string) {
    std::vector<std::string> groups;
    std::string current;
    int depth = 0;
    for (char c : paren_string) {
        if (c == '(') { ++depth; current += c; }
        else if (c == ')') { --depth; current += c; if (depth == 0) { groups.push_back(current); current.clear(); } }
    }
    return groups;
}
"""

# HumanEval/0 and /1 in JavaScript and Rust, for SandboxFusion's humanevalds rows of those languages
HUMANEVAL_JS_0 = """\
function has_close_elements(numbers, threshold) {
  for (let i = 0; i < numbers.length; i++)
    for (let j = i + 1; j < numbers.length; j++)
      if (Math.abs(numbers[i] - numbers[j]) < threshold) return true;
  return false;
}
"""

HUMANEVAL_JS_1 = """\
function separate_paren_groups(paren_string) {
  const groups = [];
  let current = "", depth = 0;
  for (const c of paren_string) {
    if (c === "(") { depth++; current += c; }
    else if (c === ")") { depth--; current += c; if (depth === 0) { groups.push(current); current = ""; } }
  }
  return groups;
}
"""

HUMANEVAL_RUST_0 = """\
fn has_close_elements(numbers: Vec<f64>, threshold: f64) -> bool {
    for i in 0..numbers.len() {
        for j in (i + 1)..numbers.len() {
            if (numbers[i] - numbers[j]).abs() < threshold {
                return true;
            }
        }
    }
    false
}
"""

HUMANEVAL_RUST_1 = """\
fn separate_paren_groups(paren_string: String) -> Vec<String> {
    let mut groups = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in paren_string.chars() {
        if c == '(' { depth += 1; current.push(c); }
        else if c == ')' { depth -= 1; current.push(c); if depth == 0 { groups.push(current.clone()); current.clear(); } }
    }
    groups
}
"""
