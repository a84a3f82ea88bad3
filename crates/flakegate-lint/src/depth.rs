//! A guard against deep nesting. rnix's parser recurses: it stops expression
//! nesting at 512 levels, but lists (`[[[...`), unary operators (`!!!...`),
//! right-associative operators (`a ++ a ++ ...`) and `or` defaults recurse
//! without a limit, so 10 MB of `[` overflows any stack. Before parsing, one
//! pass over the tokens bounds the parser's recursion from above; past
//! [`MAX_NESTING`] the file is reported instead of parsed, and a deep (but
//! allowed) file is parsed on a thread with a stack sized for it.
//!
//! rnix's tokenizer also looks ahead over the whole run of path characters
//! (`a-z0-9._+-`) at each token, which is quadratic: 80 kB of `1.` takes over
//! a minute. [`path_runs`] bounds that work before the tokenizer runs.

use rnix::SyntaxKind::{self, *};

/// Deeper than this, a file is not parsed.
pub const MAX_NESTING: usize = 10_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Top,
    Paren,
    Bracket,
    Brace,
    Interpol,
    Let,
}

struct Frame {
    open: Open,
    /// Recursion-causing tokens seen at this level that may still be open.
    chain: usize,
    /// `with`/`assert` whose `;` does not end the recursion they started.
    pending_semis: usize,
}

/// The tokenizer's look-ahead work may not pass this many characters, or 64
/// per byte of the file, whichever is more (ordinary code needs a few per
/// byte).
pub const MAX_LOOKAHEAD: u64 = 100_000_000;

/// An upper bound of the tokenizer's look-ahead work (a token may start at
/// every character of a run of path characters and scan to its end), or the
/// byte offset of the longest run when it is over budget.
pub fn path_runs(text: &str) -> Result<u64, usize> {
    let budget = MAX_LOOKAHEAD.max(64 * text.len() as u64);
    let mut work = 0u64;
    let (mut longest, mut longest_at) = (0usize, 0usize);
    let mut run_start = None;
    for (i, b) in text.bytes().chain(std::iter::once(b' ')).enumerate() {
        let path_char = b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-');
        match (path_char, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                let len = (i - start) as u64;
                work = work.saturating_add(len * (len + 1) / 2);
                if i - start > longest {
                    (longest, longest_at) = (i - start, start);
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if work > budget {
        Err(longest_at)
    } else {
        Ok(work)
    }
}

/// An upper bound of the parser's recursion depth, or the byte offset where
/// it passes [`MAX_NESTING`].
pub fn estimate(text: &str) -> Result<usize, usize> {
    let mut frames = vec![Frame {
        open: Open::Top,
        chain: 0,
        pending_semis: 0,
    }];
    let mut chained = 0usize;
    let mut max = 0usize;
    let mut offset = 0usize;
    let mut after_let = false;
    for (kind, s) in rnix::tokenize(text) {
        let at = offset;
        offset += s.len();
        if kind.is_trivia() {
            continue;
        }
        if after_let {
            after_let = false;
            // `let { ... }` is a recursive set, not a `let ... in`.
            if kind == TOKEN_L_BRACE
                && let Some(f) = frames.pop_if(|f| f.open == Open::Let)
            {
                chained -= f.chain;
            }
        }
        let push = |frames: &mut Vec<Frame>, open| {
            frames.push(Frame {
                open,
                chain: 0,
                pending_semis: 0,
            })
        };
        match kind {
            TOKEN_L_PAREN => push(&mut frames, Open::Paren),
            TOKEN_L_BRACK => push(&mut frames, Open::Bracket),
            TOKEN_L_BRACE => push(&mut frames, Open::Brace),
            TOKEN_INTERPOL_START => push(&mut frames, Open::Interpol),
            TOKEN_LET => {
                push(&mut frames, Open::Let);
                after_let = true;
            }
            TOKEN_R_PAREN => close(&mut frames, &mut chained, Open::Paren),
            TOKEN_R_BRACK => close(&mut frames, &mut chained, Open::Bracket),
            TOKEN_R_BRACE => close(&mut frames, &mut chained, Open::Brace),
            TOKEN_INTERPOL_END => close(&mut frames, &mut chained, Open::Interpol),
            TOKEN_IN => {
                // The body after `in` still nests inside the `let`.
                close(&mut frames, &mut chained, Open::Let);
                if let Some(top) = frames.last_mut() {
                    top.chain += 1;
                    chained += 1;
                }
            }
            TOKEN_SEMICOLON | TOKEN_COMMA => {
                if let Some(top) = frames.last_mut() {
                    if kind == TOKEN_SEMICOLON && top.pending_semis > 0 {
                        top.pending_semis -= 1;
                    } else if matches!(top.open, Open::Brace | Open::Let) {
                        chained -= top.chain;
                        top.chain = 0;
                        top.pending_semis = 0;
                    }
                }
            }
            k if recurses(k) => {
                if let Some(top) = frames.last_mut() {
                    top.chain += 1;
                    chained += 1;
                    if matches!(k, TOKEN_WITH | TOKEN_ASSERT) {
                        top.pending_semis += 1;
                    }
                }
            }
            _ => {}
        }
        let depth = frames.len() + chained;
        if depth > MAX_NESTING {
            return Err(at);
        }
        max = max.max(depth);
    }
    Ok(max)
}

fn close(frames: &mut Vec<Frame>, chained: &mut usize, open: Open) {
    // Unbalanced closers (a syntax error) are ignored.
    if let Some(i) = frames.iter().rposition(|f| f.open == open)
        && i > 0
    {
        for f in frames.drain(i..) {
            *chained -= f.chain;
        }
    }
}

/// Tokens after which the parser may recurse without a bracket.
fn recurses(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        TOKEN_COLON
            | TOKEN_INVERT
            | TOKEN_SUB
            | TOKEN_CONCAT
            | TOKEN_UPDATE
            | TOKEN_IMPLICATION
            | TOKEN_PIPE_LEFT
            | TOKEN_OR
            | TOKEN_WITH
            | TOKEN_ASSERT
            | TOKEN_IF
            | TOKEN_THEN
            | TOKEN_ELSE
            | TOKEN_QUESTION
    )
}

/// The stack a parse of that depth may need (generous: debug builds use
/// several KiB per expression level).
pub fn stack_for(depth: usize) -> usize {
    (8 << 20) + depth.saturating_mul(4 << 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_of_path_characters_are_refused() {
        assert!(path_runs("{ a = pkgs.hello-2.12; b = \"sha256-AAAA\"; }").is_ok_and(|w| w < 200));
        let src = format!("x {}", "1.".repeat(20_000));
        assert_eq!(path_runs(&src), Err(2));
    }

    #[test]
    fn flat_code_is_shallow() {
        let src = "{ a = x: y: x ++ y; b = if c then d else e; c = with p; q; d = [ 1 2 3 ]; }";
        assert!(estimate(src).is_ok_and(|d| d < 10));
    }

    #[test]
    fn nesting_of_every_kind_counts() {
        for unit in [
            "[",
            "(",
            "{ a = ",
            "!",
            "- ",
            "x: ",
            "a ++ ",
            "with a; ",
            "let a = 1; in ",
            "\"${",
        ] {
            let deep = unit.repeat(MAX_NESTING + 10);
            assert!(estimate(&deep).is_err(), "{unit}");
            let ok = unit.repeat(100);
            assert!(estimate(&ok).is_ok_and(|d| d >= 100), "{unit}");
        }
    }
}
