//! Parsing a CSV of users (`email,username,name`): good rows are kept, bad rows are
//! reported by line number, and a file that is not such a CSV at all is refused whole.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::user::UserForCreate;

pub const MAX_IMPORT_ROWS: usize = 50_000;

/// A row that could not be imported, with the line of the file it came from (header = line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug)]
pub struct ParsedImport {
    pub rows: Vec<(u64, UserForCreate)>,
    pub rejected: Vec<RejectedRow>,
}

/// Why a whole file was refused: nothing from it is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
    #[error("the file is empty")]
    Empty,
    #[error("the header must name the columns email, username and name; missing: {0}")]
    MissingColumns(String),
    #[error("the header names column '{0}' more than once")]
    DuplicateColumn(String),
    #[error("the file has more than {MAX_IMPORT_ROWS} rows; split it into smaller files")]
    TooManyRows,
    #[error("the file is not valid CSV: {0}")]
    Malformed(String),
}

/// What an import did, as shown to the person or system that sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub total_rows: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected: Vec<RejectedRow>,
}

pub fn parse_users_csv(text: &str) -> Result<ParsedImport, ImportFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportFileError::Empty);
    }
    // csv's own line count skips blank lines, so lines are counted from byte offsets.
    let newlines: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
    // A record's position is where the previous one ended, so line breaks are skipped first.
    let line_at = |byte: u64| {
        let start = byte as usize
            + text
                .as_bytes()
                .get(byte as usize..)
                .map_or(0, |rest| rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count());
        newlines.partition_point(|&at| at < start) as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let columns = header_columns(reader.headers().map_err(|e| ImportFileError::Malformed(e.to_string()))?)?;

    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut first_line_of_email: HashMap<String, u64> = HashMap::new();
    let mut first_line_of_username: HashMap<String, u64> = HashMap::new();

    for record in reader.records() {
        let record = record.map_err(|e| ImportFileError::Malformed(e.to_string()))?;
        let line = record.position().map(|p| line_at(p.byte())).unwrap_or_default();
        if record.iter().all(str::is_empty) {
            continue; // blank lines are not rows
        }
        if rows.len() + rejected.len() >= MAX_IMPORT_ROWS {
            return Err(ImportFileError::TooManyRows);
        }
        let cell = |index: usize| record.get(index).unwrap_or("");
        let parsed = UserForCreate::parse(cell(columns.email), cell(columns.username), cell(columns.name));
        let user = match parsed {
            Ok(user) => user,
            Err(errors) => {
                let reason = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                rejected.push(RejectedRow { line, reason });
                continue;
            }
        };
        if let Some(first) = first_line_of_email.get(user.email.as_str()) {
            rejected.push(RejectedRow { line, reason: format!("email {} already appears on line {first}", user.email) });
            continue;
        }
        if let Some(first) = first_line_of_username.get(user.username.as_str()) {
            rejected.push(RejectedRow { line, reason: format!("username {} already appears on line {first}", user.username) });
            continue;
        }
        first_line_of_email.insert(user.email.to_string(), line);
        first_line_of_username.insert(user.username.to_string(), line);
        rows.push((line, user));
    }
    Ok(ParsedImport { rows, rejected })
}

struct Columns {
    email: usize,
    username: usize,
    name: usize,
}

fn header_columns(header: &csv::StringRecord) -> Result<Columns, ImportFileError> {
    let mut positions: HashMap<&'static str, usize> = HashMap::new();
    for (index, raw) in header.iter().enumerate() {
        let column = match raw.trim().to_lowercase().replace(' ', "_").as_str() {
            "email" | "e-mail" | "email_address" => "email",
            "username" | "user_name" => "username",
            "name" | "display_name" | "full_name" => "name",
            _ => continue, // extra columns are allowed and ignored
        };
        if positions.insert(column, index).is_some() {
            return Err(ImportFileError::DuplicateColumn(column.to_string()));
        }
    }
    let missing: Vec<_> = ["email", "username", "name"].into_iter().filter(|c| !positions.contains_key(c)).collect();
    if !missing.is_empty() {
        return Err(ImportFileError::MissingColumns(missing.join(", ")));
    }
    Ok(Columns { email: positions["email"], username: positions["username"], name: positions["name"] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_are_kept_and_bad_rows_reported_by_line() {
        let csv = "email,username,name\nada@example.com,ada,Ada Lovelace\nnot-an-email,bob,Bob\n\ngrace@example.com,grace,\"Hopper, Grace\"\n";
        let parsed = parse_users_csv(csv).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].0, 2);
        assert_eq!(parsed.rows[1].0, 5);
        assert_eq!(parsed.rows[1].1.display_name.as_str(), "Hopper, Grace");
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 3);
        assert!(parsed.rejected[0].reason.contains("email"), "{}", parsed.rejected[0].reason);
    }

    #[test]
    fn columns_may_come_in_any_order_with_extras() {
        let csv = "\u{feff}Name,Email,Plan,Username\nAda,ADA@example.com,pro,Ada\n";
        let parsed = parse_users_csv(csv).unwrap();
        let user = &parsed.rows[0].1;
        assert_eq!((user.email.as_str(), user.username.as_str(), user.display_name.as_str()), ("ada@example.com", "ada", "Ada"));
    }

    #[test]
    fn a_file_without_the_header_is_refused_whole() {
        assert_eq!(
            parse_users_csv("ada@example.com,ada,Ada\n").unwrap_err(),
            ImportFileError::MissingColumns("email, username, name".into())
        );
        assert_eq!(parse_users_csv("email,username\n").unwrap_err(), ImportFileError::MissingColumns("name".into()));
        assert_eq!(parse_users_csv("  \n").unwrap_err(), ImportFileError::Empty);
        assert!(matches!(parse_users_csv("email,email,username,name\n"), Err(ImportFileError::DuplicateColumn(_))));
    }

    #[test]
    fn duplicates_within_a_file_are_rejected_on_their_second_line() {
        let csv = "email,username,name\na@example.com,aa,A\nA@example.com,bb,B\nc@example.com,AA,C\n";
        let parsed = parse_users_csv(csv).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let reasons: Vec<_> = parsed.rejected.iter().map(|r| (r.line, r.reason.contains("line 2"))).collect();
        assert_eq!(reasons, [(3, true), (4, true)]);
    }

    #[test]
    fn line_numbers_count_blank_lines_and_quoted_newlines() {
        let csv = "email,username,name\r\n\r\n\nbad,bob,Bob\n\"x@example.com\",xx,\"Two\nLines\"\nworse,cy,Cy\n";
        let parsed = parse_users_csv(csv).unwrap();
        let lines: Vec<_> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 7]);
        assert_eq!(parsed.rows[0].0, 5);
    }

    #[test]
    fn short_rows_are_rejected_not_panicking() {
        let parsed = parse_users_csv("email,username,name\na@example.com\n").unwrap();
        assert_eq!(parsed.rejected[0].line, 2);
        assert!(parsed.rows.is_empty());
    }
}
