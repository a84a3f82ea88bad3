//! The `syntax` rule: every parse error rnix reports, with its position.

use rnix::{ParseError, SyntaxKind, SyntaxNode, TextRange};

use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::range;

pub fn check(root: &SyntaxNode, errors: &[ParseError], text_len: usize, sink: &mut Sink) {
    let eof = (text_len, text_len);
    for e in errors {
        let (message, at) = match e {
            ParseError::Unexpected(r) => ("unexpected input".to_owned(), range(*r)),
            ParseError::UnexpectedExtra(r) => (
                "unexpected input after the end of the expression".to_owned(),
                range(*r),
            ),
            ParseError::UnexpectedWanted(got, r, wanted) => (
                format!(
                    "unexpected {}, expected {}",
                    token_name(*got),
                    alternatives(wanted)
                ),
                range(*r),
            ),
            ParseError::UnexpectedDoubleBind(r) => {
                ("a pattern takes only one `@` name".to_owned(), range(*r))
            }
            ParseError::UnexpectedEOF => ("unexpected end of file".to_owned(), eof),
            ParseError::UnexpectedEOFWanted(wanted) => (
                format!("unexpected end of file, expected {}", alternatives(wanted)),
                eof,
            ),
            ParseError::DuplicatedArgs(r, name) => {
                (format!("argument `{name}` is duplicated"), range(*r))
            }
            ParseError::RecursionLimitExceeded => (
                "nesting too deep for the parser: the rest of the file is not analysed".to_owned(),
                deepest_error(root).map_or(eof, range),
            ),
            other => (other.to_string(), eof),
        };
        sink.push(Rule::Syntax, message, at, None);
    }
}

/// The last error node that runs to the end of the file: where the parser
/// gave up.
fn deepest_error(root: &SyntaxNode) -> Option<TextRange> {
    let end = root.text_range().end();
    root.descendants()
        .filter(|n| n.kind() == SyntaxKind::NODE_ERROR && n.text_range().end() == end)
        .last()
        .map(|n| n.text_range())
}

fn alternatives(kinds: &[SyntaxKind]) -> String {
    use SyntaxKind::*;
    // What can start an expression.
    if [TOKEN_L_PAREN, TOKEN_REC, TOKEN_L_BRACK]
        .iter()
        .all(|k| kinds.contains(k))
    {
        return "an expression".to_owned();
    }
    let names: Vec<&str> = kinds.iter().map(|k| token_name(*k)).collect();
    match names.as_slice() {
        [] => "more input".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// How a token is written, for messages.
pub fn token_name(kind: SyntaxKind) -> &'static str {
    use SyntaxKind::*;
    match kind {
        TOKEN_ADD => "`+`",
        TOKEN_AND_AND => "`&&`",
        TOKEN_ASSIGN => "`=`",
        TOKEN_ASSERT => "`assert`",
        TOKEN_AT => "`@`",
        TOKEN_COLON => "`:`",
        TOKEN_COMMA => "`,`",
        TOKEN_CONCAT => "`++`",
        TOKEN_DIV => "`/`",
        TOKEN_DOT => "`.`",
        TOKEN_ELLIPSIS => "`...`",
        TOKEN_ELSE => "`else`",
        TOKEN_EQUAL => "`==`",
        TOKEN_IDENT => "an identifier",
        TOKEN_IF => "`if`",
        TOKEN_IMPLICATION => "`->`",
        TOKEN_IN => "`in`",
        TOKEN_INHERIT => "`inherit`",
        TOKEN_INTERPOL_END => "`}`",
        TOKEN_INTERPOL_START => "`${`",
        TOKEN_INVERT => "`!`",
        TOKEN_L_BRACE => "`{`",
        TOKEN_L_BRACK => "`[`",
        TOKEN_L_PAREN => "`(`",
        TOKEN_LESS => "`<`",
        TOKEN_LESS_OR_EQ => "`<=`",
        TOKEN_LET => "`let`",
        TOKEN_MORE => "`>`",
        TOKEN_MORE_OR_EQ => "`>=`",
        TOKEN_MUL => "`*`",
        TOKEN_NOT_EQUAL => "`!=`",
        TOKEN_OR => "`or`",
        TOKEN_OR_OR => "`||`",
        TOKEN_PIPE_LEFT => "`<|`",
        TOKEN_PIPE_RIGHT => "`|>`",
        TOKEN_QUESTION => "`?`",
        TOKEN_R_BRACE => "`}`",
        TOKEN_R_BRACK => "`]`",
        TOKEN_R_PAREN => "`)`",
        TOKEN_REC => "`rec`",
        TOKEN_SEMICOLON => "`;`",
        TOKEN_STRING_START | TOKEN_STRING_END => "a quote",
        TOKEN_STRING_CONTENT => "string content",
        TOKEN_SUB => "`-`",
        TOKEN_THEN => "`then`",
        TOKEN_UPDATE => "`//`",
        TOKEN_WITH => "`with`",
        TOKEN_INTEGER | TOKEN_FLOAT => "a number",
        TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => "a path",
        TOKEN_URI => "a URI",
        TOKEN_ERROR => "an invalid token",
        TOKEN_CUR_POS => "`__curPos`",
        _ => "a token",
    }
}
