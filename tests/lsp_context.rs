//! The language server finds a document's build context as `dflint check` does, the search stopping at the
//! workspace folder that holds the file (each folder of a multi-root workspace on its own).
mod lsp_support;

use lsp_support::{capabilities, Client};
use serde_json::{json, Value};

const GO_FROM_ROOT: &str = "FROM golang:1.22
WORKDIR /app
COPY go.mod ./
COPY src ./src
RUN go build -o /app/bin ./src
COPY . .
";

fn write(dir: &std::path::Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn uri(dir: &std::path::Path, rel: &str) -> String {
    format!("file://{}/{rel}", dir.display())
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_workspace_folder_bounds_the_search_for_the_context() {
    // Folder one: a Dockerfile in `docker/` built from the folder's root; the `.dockerignore` beside the
    // Dockerfile is not the one BuildKit reads for that build.
    let one = tempfile::tempdir().unwrap();
    write(one.path(), "go.mod", "module x\n");
    write(one.path(), "src/main.go", "package main\n");
    write(one.path(), "docker/Dockerfile", GO_FROM_ROOT);
    write(one.path(), "docker/.dockerignore", ".git\n");
    // Folder two: the same files, but the folder is `docker/` itself, so the search may not leave it and finds
    // no folder holding `src`: the context is unknown and the rule stays quiet.
    let two_parent = tempfile::tempdir().unwrap();
    let two = two_parent.path().join("docker");
    write(two_parent.path(), "go.mod", "module x\n");
    write(two_parent.path(), "src/main.go", "package main\n");
    write(&two, "Dockerfile", GO_FROM_ROOT);

    let mut c = Client::in_process();
    c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(one.path(), ""),
            "capabilities": capabilities(&["utf-16"], false),
            "initializationOptions": {"select": ["DF404"]},
            "workspaceFolders": [
                {"uri": uri(one.path(), ""), "name": "one"},
                {"uri": uri(&two, ""), "name": "two"},
            ],
        }),
    )
    .await;
    c.notify("initialized", json!({})).await;

    let first = uri(one.path(), "docker/Dockerfile");
    c.open(&first, GO_FROM_ROOT).await;
    let diags = c.diagnostics(&first, 1).await;
    assert_eq!(codes(&diags), ["DF404"], "{diags:?}");
    // Its quick fix creates the `.dockerignore` at the context root, where BuildKit reads it.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": first}, "range": diags[0]["range"],
                   "context": {"diagnostics": diags, "only": ["quickfix"]}}),
        )
        .await;
    let created: Vec<String> = actions
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["edit"]["documentChanges"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|op| op["kind"] == "create")
        .map(|op| op["uri"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(created, [uri(one.path(), ".dockerignore")], "{actions}");

    let second = uri(&two, "Dockerfile");
    c.open(&second, GO_FROM_ROOT).await;
    let diags = c.diagnostics(&second, 1).await;
    assert!(diags.is_empty(), "{diags:?}");

    // A `.dockerignore` at the found root silences folder one's finding.
    write(one.path(), ".dockerignore", ".git\n");
    c.change(
        &first,
        2,
        json!([{"text": GO_FROM_ROOT.replace("COPY . .", "COPY ./ .")}]),
    )
    .await;
    let diags = c.diagnostics(&first, 2).await;
    assert!(diags.is_empty(), "{diags:?}");
    c.shutdown().await;
}
