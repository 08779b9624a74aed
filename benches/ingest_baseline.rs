//! The baseline for `scripts/bench-ingest`: the ingestion route on the same stack (axum,
//! tokio, serde_json), doing only what every server must do — read the body and parse the
//! JSON object — and answering 200. Inlet's real endpoint is measured against it in the
//! same run, on the same machine.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

async fn receive(Path((_project, _listener, user)): Path<(String, String, String)>, body: Bytes) -> (StatusCode, Json<Value>) {
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(members)) => {
            let names: Vec<&String> = members.keys().collect();
            (StatusCode::OK, Json(json!({ "status": "accepted", "user": user, "updated": names, "ignored": [] })))
        }
        _ => (StatusCode::BAD_REQUEST, Json(json!({ "error": { "code": "bad_request", "message": "not a JSON object" } }))),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("BASELINE_BIND").unwrap_or_else(|_| "127.0.0.1:3901".into());
    let router = Router::new().route("/api/v1/projects/{project}/listeners/{key}/users/{user}", post(receive));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("baseline listening on {bind}");
    axum::serve(listener, router).await
}
