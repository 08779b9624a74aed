//! A "Create feedback" listener's mapping: which parameters of the posted JSON fill a new
//! ticket's title (required), description and type, and the type used when none is sent.
//! Parameters are member names or dotted paths, as for External Data fields.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::super::fields::lookup_with_member;
use super::super::identity::collapse_spaces;
use super::super::ValidationError;
use super::{parse_text, parse_title, MAX_DESCRIPTION_CHARS, MAX_TYPE_CHARS};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackMapping {
    /// The parameter holding the title (required in every request).
    pub title: String,
    /// The parameter holding the description, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The parameter holding the type's name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_parameter: Option<String>,
    /// The type of a ticket whose request names none.
    pub default_type: String,
}

/// What a request to a feedback listener asks for, before the type is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedTicket {
    pub type_name: String,
    pub title: String,
    pub description: String,
    /// The top-level members that fed the ticket (so they are not reported as ignored).
    pub used: Vec<String>,
}

fn parameter_ok(parameter: &str) -> bool {
    !parameter.is_empty()
        && parameter.chars().count() <= 200
        && parameter.split('.').all(|s| !s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace()))
}

impl FeedbackMapping {
    /// Parses the form's or the API's mapping; `taken` are the parameters of the listener's
    /// data fields, which a ticket parameter may not reuse. Every problem is reported at once
    /// under `feedback.<member>`.
    pub fn parse(
        title: &str,
        description: Option<&str>,
        type_parameter: Option<&str>,
        default_type: &str,
        taken: &[&str],
    ) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let optional = |p: Option<&str>| p.map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        let (title, description, type_parameter) = (title.trim().to_string(), optional(description), optional(type_parameter));
        let mut seen: Vec<&str> = Vec::new();
        for (member, parameter) in
            [("title", Some(&title)), ("description", description.as_ref()), ("type_parameter", type_parameter.as_ref())]
        {
            let Some(parameter) = parameter else { continue };
            let at = format!("feedback.{member}");
            if !parameter_ok(parameter) {
                let message = "is required: a member name or a dotted path such as ticket.title, without spaces";
                errors.push(ValidationError::new(&at, message));
            } else if seen.contains(&parameter.as_str()) || taken.contains(&parameter.as_str()) {
                errors.push(ValidationError::new(&at, format!("'{parameter}' is used twice")));
            }
            seen.push(parameter);
        }
        let default_type = collapse_spaces(default_type);
        if default_type.is_empty() || default_type.chars().count() > MAX_TYPE_CHARS {
            errors.push(ValidationError::new("feedback.default_type", "choose the type of tickets that name none"));
        }
        if errors.is_empty() {
            Ok(Self { title, description, type_parameter, default_type })
        } else {
            Err(errors)
        }
    }

    /// The parameters this mapping reads.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        [Some(self.title.as_str()), self.description.as_deref(), self.type_parameter.as_deref()].into_iter().flatten()
    }

    /// Reads a ticket out of a posted object: each problem as `(parameter, reason)`.
    pub fn read(&self, object: &Map<String, Json>) -> Result<RequestedTicket, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut used = Vec::new();
        let mut text = |parameter: &str| -> Option<String> {
            match lookup_with_member(object, parameter) {
                None | Some((_, Json::Null)) => None,
                Some((member, Json::String(s))) => {
                    used.push(member.to_string());
                    Some(s.clone())
                }
                Some((member, Json::Number(n))) => {
                    used.push(member.to_string());
                    Some(n.to_string())
                }
                Some((_, other)) => {
                    problems.push((parameter.to_string(), format!("expected text, got {other}")));
                    None
                }
            }
        };
        let title = text(&self.title);
        let description = self.description.as_deref().and_then(&mut text);
        let type_name = self.type_parameter.as_deref().and_then(&mut text).filter(|t| !t.trim().is_empty());
        let title = match title.map(|t| parse_title(&t)) {
            None => {
                problems.push((self.title.clone(), "is required: the ticket's title".into()));
                None
            }
            Some(Err(error)) => {
                problems.push((self.title.clone(), error.message));
                None
            }
            Some(Ok(title)) => Some(title),
        };
        let description = match parse_text(description.as_deref().unwrap_or(""), "description", false, MAX_DESCRIPTION_CHARS) {
            Ok(description) => description,
            Err(error) => {
                problems.push((self.description.clone().unwrap_or_default(), error.message));
                String::new()
            }
        };
        match title {
            Some(title) if problems.is_empty() => Ok(RequestedTicket {
                type_name: type_name.unwrap_or_else(|| self.default_type.clone()),
                title,
                description,
                used,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mapping() -> FeedbackMapping {
        FeedbackMapping::parse("subject", Some("body.text"), Some("kind"), "Bug", &["plan"]).unwrap()
    }

    fn object(value: Json) -> Map<String, Json> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_mapping_needs_a_title_and_distinct_parameters() {
        let errors = FeedbackMapping::parse(" ", Some("plan"), Some("a b"), "", &["plan"]).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["feedback.title", "feedback.description", "feedback.type_parameter", "feedback.default_type"]);
        let blank_optional = FeedbackMapping::parse("title", Some(" "), None, "Idea", &[]).unwrap();
        assert_eq!(blank_optional.description, None);
        assert_eq!(mapping().parameters().collect::<Vec<_>>(), ["subject", "body.text", "kind"]);
    }

    #[test]
    fn a_request_fills_the_ticket_with_the_default_type_when_it_names_none() {
        let ticket = mapping().read(&object(json!({"subject": " It  crashes ", "body": {"text": "On save"}}))).unwrap();
        assert_eq!(
            (ticket.type_name.as_str(), ticket.title.as_str(), ticket.description.as_str()),
            ("Bug", "It crashes", "On save")
        );
        assert_eq!(ticket.used, ["subject", "body"]);
        let idea = mapping().read(&object(json!({"subject": "Dark mode", "kind": "Idea"}))).unwrap();
        assert_eq!(idea.type_name, "Idea");
    }

    #[test]
    fn a_request_without_a_usable_title_is_refused_naming_the_parameter() {
        let missing = mapping().read(&object(json!({"body": {"text": "x"}}))).unwrap_err();
        assert_eq!(missing[0].0, "subject");
        let wrong = mapping().read(&object(json!({"subject": {"a": 1}}))).unwrap_err();
        assert!(wrong[0].1.contains("expected text"), "{wrong:?}");
        let long = mapping().read(&object(json!({"subject": "x".repeat(300)}))).unwrap_err();
        assert_eq!(long[0].0, "subject");
    }
}
