//! Mutations of a seed: byte-level (bit flips, interesting bytes, insertions,
//! deletions, duplications, truncations, splices with another seed), token
//! level (quoted strings swapped or replaced, which reaches ATerm and JSON
//! alike) and JSON-aware (a value replaced by a hostile one, removed,
//! duplicated or swapped with another). Each mutation describes itself, so
//! that a finding can be read without replaying it.

use fastrand::Rng;
use serde_json::Value;

/// Tokens that parsers of our formats treat specially.
const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "(",
    ")",
    "null",
    "true",
    "-1",
    "-0",
    "0",
    "1e999",
    "-1e999",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
    "0.5",
    "é",
    "😀",
    "\u{0}",
    "\n",
    "/",
    "/nix/store/",
    "/nix/store/00000000000000000000000000000000-x",
    "-",
    ".",
    ".drv",
    "sha256:",
    "sha256-",
    "md5:",
    "Derive(",
    "DrvWithVersion(",
    "(\"out\",\"\",\"\",\"\")",
    "\"narSize\":",
    "\"references\":[",
    "\"schema\":",
    "\"info\":",
    "\"storeDir\":",
    "\"exportReferencesGraph\":",
];

/// Bytes worth writing over another.
const BYTES: &[u8] = &[
    0, 0x7f, 0x80, 0xff, 0xc3, 0xe2, 0xf0, b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'-',
    b'.', b'/', b'0', b'9', b'(', b')', b' ', b'\n',
];

/// JSON values worth putting anywhere.
fn hostile_value(rng: &mut Rng) -> Value {
    match rng.usize(0..16) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => Value::from(-1),
        3 => Value::from(0),
        4 => Value::from(u64::MAX),
        5 => Value::from(i64::MIN),
        6 => Value::from(1.5),
        7 => Value::from(f64::MAX),
        8 => Value::from(""),
        9 => Value::from("/nix/store/00000000000000000000000000000000-x"),
        10 => Value::from("é".repeat(rng.usize(1..40))),
        11 => Value::Array(Vec::new()),
        12 => Value::Object(serde_json::Map::new()),
        13 => {
            // Deep nesting, past serde_json's recursion limit sometimes.
            let mut v = Value::from(1);
            for _ in 0..rng.usize(1..200) {
                v = Value::Array(vec![v]);
            }
            v
        }
        14 => Value::from(rng.u64(..)),
        _ => Value::from(-rng.f64() * 1e300),
    }
}

/// One mutation of `data`, in place; returns what it did.
pub fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, others: &[&[u8]]) -> String {
    if data.is_empty() {
        let t = TOKENS[rng.usize(..TOKENS.len())];
        data.extend_from_slice(t.as_bytes());
        return format!("insert {t:?} into empty input");
    }
    let len = data.len();
    let at = rng.usize(..len);
    match rng.usize(0..11) {
        0 => {
            let bit = rng.u8(0..8);
            data[at] ^= 1 << bit;
            format!("flip bit {bit} of byte {at}")
        }
        1 => {
            let b = BYTES[rng.usize(..BYTES.len())];
            data[at] = b;
            format!("set byte {at} to {b:#04x}")
        }
        2 => {
            let n = rng.usize(1..9);
            let bytes: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
            data.splice(at..at, bytes.iter().copied());
            format!("insert {n} random bytes at {at}")
        }
        3 => {
            let t = TOKENS[rng.usize(..TOKENS.len())];
            data.splice(at..at, t.bytes());
            format!("insert {t:?} at {at}")
        }
        4 => {
            let end = (at + rng.usize(1..=64)).min(len);
            data.drain(at..end);
            format!("delete bytes {at}..{end}")
        }
        5 => {
            let end = (at + rng.usize(1..=64)).min(len);
            let chunk = data[at..end].to_vec();
            let to = rng.usize(..=data.len());
            data.splice(to..to, chunk);
            format!("copy bytes {at}..{end} to {to}")
        }
        6 => {
            data.truncate(at);
            format!("truncate to {at} bytes")
        }
        7 if !others.is_empty() => {
            let other = others[rng.usize(..others.len())];
            let from = rng.usize(..=other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
            format!("splice: first {at} bytes, then another seed from byte {from}")
        }
        8 | 9 => swap_quoted(rng, data),
        _ => json(rng, data).unwrap_or_else(|| {
            data.truncate(at);
            format!("truncate to {at} bytes (not JSON)")
        }),
    }
}

/// The byte ranges of the quoted strings (`"…"`, escapes honoured).
fn quoted(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'"' {
            let start = i;
            i += 1;
            while i < data.len() && data[i] != b'"' {
                i += if data[i] == b'\\' { 2 } else { 1 };
            }
            if i < data.len() {
                out.push((start, i + 1));
            }
        }
        i += 1;
    }
    out
}

/// Replaces one quoted string by another of the input, or by a token.
fn swap_quoted(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let spans = quoted(data);
    if spans.is_empty() {
        data.push(b'"');
        return "append a lone quote (no quoted strings)".to_owned();
    }
    let (s, e) = spans[rng.usize(..spans.len())];
    let with: Vec<u8> = if rng.bool() {
        let (s2, e2) = spans[rng.usize(..spans.len())];
        data[s2..e2].to_vec()
    } else {
        format!(
            "\"{}\"",
            TOKENS[rng.usize(..TOKENS.len())].replace('"', "\\\"")
        )
        .into_bytes()
    };
    let text = String::from_utf8_lossy(&with).into_owned();
    data.splice(s..e, with);
    format!("replace the string at {s}..{e} by {text}")
}

/// A JSON-aware mutation, when the input is JSON.
fn json(rng: &mut Rng, data: &mut Vec<u8>) -> Option<String> {
    let mut doc: Value = serde_json::from_slice(data).ok()?;
    let count = count_nodes(&doc);
    let target = rng.usize(..count);
    let donor = pick(&doc, rng.usize(..count)).clone();
    let mut what = String::new();
    let mut index = 0;
    edit(&mut doc, target, &mut index, &mut |v: &mut Value| {
        what = match rng.usize(0..6) {
            0 => {
                *v = donor.clone();
                format!("JSON node {target} replaced by node {donor}")
            }
            1 => remove_child(rng, v).map_or_else(
                || {
                    *v = Value::Null;
                    format!("JSON node {target} set to null")
                },
                |k| format!("JSON node {target}: removed {k}"),
            ),
            2 => duplicate_child(rng, v).map_or_else(
                || {
                    *v = Value::Array(vec![v.clone(), v.clone()]);
                    format!("JSON node {target} doubled into an array")
                },
                |k| format!("JSON node {target}: duplicated {k}"),
            ),
            3 => {
                *v = match v.take() {
                    Value::Number(n) => Value::from(n.to_string()),
                    Value::String(s) => Value::from(s.chars().rev().collect::<String>()),
                    other => Value::from(other.to_string()),
                };
                format!("JSON node {target} respelled")
            }
            _ => {
                let h = hostile_value(rng);
                let shown: String = h.to_string().chars().take(60).collect();
                *v = h;
                format!("JSON node {target} replaced by {shown}")
            }
        };
    });
    *data = if rng.bool() {
        serde_json::to_vec(&doc).ok()?
    } else {
        serde_json::to_vec_pretty(&doc).ok()?
    };
    Some(what)
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Node `n` in pre-order.
fn pick(v: &Value, n: usize) -> &Value {
    fn go<'a>(v: &'a Value, n: &mut usize) -> Option<&'a Value> {
        if *n == 0 {
            return Some(v);
        }
        *n -= 1;
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(o) => Box::new(o.values()),
            _ => return None,
        };
        children.into_iter().find_map(|c| go(c, n))
    }
    let mut n = n;
    go(v, &mut n).unwrap_or(v)
}

/// Applies `f` to node `target` in pre-order.
fn edit(v: &mut Value, target: usize, index: &mut usize, f: &mut dyn FnMut(&mut Value)) -> bool {
    if *index == target {
        f(v);
        return true;
    }
    *index += 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|c| edit(c, target, index, f)),
        Value::Object(o) => o.values_mut().any(|c| edit(c, target, index, f)),
        _ => false,
    }
}

fn remove_child(rng: &mut Rng, v: &mut Value) -> Option<String> {
    match v {
        Value::Array(a) if !a.is_empty() => {
            let i = rng.usize(..a.len());
            a.remove(i);
            Some(format!("element {i}"))
        }
        Value::Object(o) if !o.is_empty() => {
            let key = o.keys().nth(rng.usize(..o.len()))?.clone();
            o.remove(&key);
            Some(format!("key {key:?}"))
        }
        _ => None,
    }
}

fn duplicate_child(rng: &mut Rng, v: &mut Value) -> Option<String> {
    match v {
        Value::Array(a) if !a.is_empty() => {
            let i = rng.usize(..a.len());
            let c = a[i].clone();
            a.insert(i, c);
            Some(format!("element {i}"))
        }
        Value::Object(o) if !o.is_empty() => {
            let key = o.keys().nth(rng.usize(..o.len()))?.clone();
            let c = o[&key].clone();
            o.insert(format!("{key}{}", rng.u8(..)), c);
            Some(format!("key {key:?} under a new name"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_honour_escapes() {
        assert_eq!(quoted(br#"("a\"b","")"#), vec![(1, 7), (8, 10)]);
    }

    #[test]
    fn json_mutations_keep_json() {
        let mut rng = Rng::with_seed(7);
        for _ in 0..200 {
            let mut data = br#"{"a": [1, 2, {"b": "c"}], "d": null}"#.to_vec();
            json(&mut rng, &mut data).expect("JSON");
            serde_json::from_slice::<Value>(&data).expect("still JSON");
        }
    }

    #[test]
    fn a_seed_gives_the_same_mutations() {
        let run = || {
            let mut rng = Rng::with_seed(42);
            let mut data = b"Derive([(\"out\",\"\",\"\",\"\")])".to_vec();
            let what: Vec<String> = (0..20)
                .map(|_| mutate_once(&mut rng, &mut data, &[b"other"]))
                .collect();
            (data, what)
        };
        assert_eq!(run(), run());
    }
}
