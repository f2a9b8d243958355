//! `cargo xtask tidy`: the crate layering, checked on `cargo metadata`.
//!
//! The pure crates hold Kasa's rules; they stay testable exhaustively only as
//! long as no runtime, database or web crate creeps into them, directly or
//! through another dependency. And `api` reaches the database only through
//! `persistence`, never with an ORM or driver of its own.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::process::{cargo, workspace_root};

/// The crates that hold pure rules (no I/O, no async).
pub const PURE_CRATES: [&str; 9] = [
    "ledger",
    "withdrawal",
    "payout",
    "idempotency",
    "deposit",
    "reconciliation",
    "audit",
    "games",
    "protection",
];

/// Crates no pure crate may reach through normal dependencies.
const RUNTIME_CRATES: [&str; 6] = ["tokio", "sea-orm", "sea-query", "sqlx", "reqwest", "hyper"];

/// The HTTP crate (`crates/api`), which may use the database only through
/// `persistence`.
const API_CRATE: &str = "kasa-api";

/// Database crates `api` may not depend on directly.
const DATABASE_CRATES: [&str; 2] = ["sea-orm", "sqlx"];

/// Whether a pure crate must never depend on `name` (any `actix-*` included).
fn is_runtime(name: &str) -> bool {
    RUNTIME_CRATES.contains(&name) || name == "actix" || name.starts_with("actix-")
}

/// Packages by id and their normal (non-dev, non-build) dependencies.
#[derive(Debug, Default)]
pub struct Graph {
    /// Package id → package name.
    names: BTreeMap<String, String>,
    /// Package id → ids of its normal dependencies.
    normal: BTreeMap<String, Vec<String>>,
    /// Ids of the workspace members.
    members: Vec<String>,
}

impl Graph {
    /// Adds a package with its normal dependencies (by id), for hand-made test graphs.
    #[cfg(test)]
    fn add(&mut self, id: &str, name: &str, deps: &[&str], member: bool) {
        self.names.insert(id.to_owned(), name.to_owned());
        self.normal.insert(
            id.to_owned(),
            deps.iter().map(|d| (*d).to_owned()).collect(),
        );
        if member {
            self.members.push(id.to_owned());
        }
    }

    /// Reads the graph out of `cargo metadata --format-version 1` (with its `resolve`).
    pub fn from_metadata(metadata: &Value) -> Result<Graph> {
        let mut graph = Graph::default();
        let packages = metadata["packages"].as_array().context("no packages")?;
        for package in packages {
            let id = package["id"].as_str().context("package without id")?;
            let name = package["name"].as_str().context("package without name")?;
            graph.names.insert(id.to_owned(), name.to_owned());
        }
        let members = metadata["workspace_members"]
            .as_array()
            .context("no workspace_members")?;
        graph.members = members
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let nodes = metadata["resolve"]["nodes"]
            .as_array()
            .context("no resolve graph")?;
        for node in nodes {
            let id = node["id"].as_str().context("node without id")?;
            let deps = node["deps"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let normal = deps
                .iter()
                .filter(|dep| is_normal(dep))
                .filter_map(|dep| dep["pkg"].as_str().map(str::to_owned))
                .collect();
            graph.normal.insert(id.to_owned(), normal);
        }
        Ok(graph)
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    fn member(&self, name: &str) -> Option<&str> {
        self.members
            .iter()
            .map(String::as_str)
            .find(|id| self.name(id) == name)
    }

    fn deps(&self, id: &str) -> &[String] {
        self.normal.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Whether a resolve edge is used by the crate itself (a `null` kind; a
/// platform-specific one counts too), not only by its tests or build script.
fn is_normal(dep: &Value) -> bool {
    dep["dep_kinds"]
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|k| k["kind"].is_null()))
}

/// A broken layering rule, with the dependency path that breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Package names from the offending crate to the forbidden one.
    pub path: Vec<String>,
    /// The rule broken.
    pub rule: &'static str,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.path.join(" -> "))
    }
}

/// Every broken rule of `graph`: a pure crate reaching a runtime crate, `api`
/// depending directly on a database crate, or a pure crate or `api` missing
/// from the workspace (renamed without updating this file), so a rule never
/// passes by checking nothing.
pub fn violations(graph: &Graph) -> Vec<Violation> {
    let mut found = Vec::new();
    for pure in PURE_CRATES {
        let Some(root) = graph.member(pure) else {
            found.push(Violation {
                path: vec![pure.to_owned()],
                rule: "pure crate is not a workspace member",
            });
            continue;
        };
        found.extend(
            runtime_paths(graph, root)
                .into_iter()
                .map(|path| Violation {
                    path,
                    rule: "pure crate depends on a runtime crate",
                }),
        );
    }
    let Some(api) = graph.member(API_CRATE) else {
        found.push(Violation {
            path: vec![API_CRATE.to_owned()],
            rule: "the api crate is not a workspace member",
        });
        return found;
    };
    for dep in graph.deps(api) {
        if DATABASE_CRATES.contains(&graph.name(dep)) {
            found.push(Violation {
                path: vec![API_CRATE.to_owned(), graph.name(dep).to_owned()],
                rule: "api depends directly on a database crate (use persistence)",
            });
        }
    }
    found
}

/// The shortest path from `root` to each runtime crate it reaches.
fn runtime_paths(graph: &Graph, root: &str) -> Vec<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut seen = BTreeSet::from([root]);
    let mut queue = VecDeque::from([root]);
    let mut paths = Vec::new();
    while let Some(id) = queue.pop_front() {
        if is_runtime(graph.name(id)) {
            let mut path = vec![graph.name(id).to_owned()];
            let mut at = id;
            while let Some(up) = parent.get(at) {
                path.push(graph.name(up).to_owned());
                at = up;
            }
            path.reverse();
            paths.push(path);
            // One finding per runtime crate reached, not one per crate under it.
            continue;
        }
        for dep in graph.deps(id) {
            if seen.insert(dep.as_str()) {
                parent.insert(dep.as_str(), id);
                queue.push_back(dep.as_str());
            }
        }
    }
    paths
}

/// Runs `cargo metadata` and fails naming every broken rule.
pub fn run() -> Result<()> {
    let output = Command::new(cargo())
        .args(["metadata", "--format-version", "1"])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .context("running `cargo metadata`")?;
    if !output.status.success() {
        bail!("`cargo metadata` failed with {}", output.status);
    }
    let metadata: Value =
        serde_json::from_slice(&output.stdout).context("parsing `cargo metadata` output")?;
    let broken = violations(&Graph::from_metadata(&metadata)?);
    if broken.is_empty() {
        println!(
            "tidy: the pure crates ({}) and api keep their layering",
            PURE_CRATES.join(", ")
        );
        return Ok(());
    }
    for violation in &broken {
        eprintln!("tidy: {violation}");
    }
    bail!("{} layering rule(s) broken", broken.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pure crate and `kasa-api`, depending on nothing, plus `extra`
    /// packages (`<pure>+<name>` is a dependency of that pure crate; an extra
    /// `kasa-api` replaces the bare one).
    fn graph(extra: &[(&str, &[&str], bool)]) -> Graph {
        let mut g = Graph::default();
        g.add(API_CRATE, API_CRATE, &[], true);
        for pure in PURE_CRATES {
            let deps: Vec<&str> = extra
                .iter()
                .filter(|(id, _, _)| id.starts_with(&format!("{pure}+")))
                .map(|(id, _, _)| *id)
                .collect();
            g.add(pure, pure, &deps, true);
        }
        for (id, deps, member) in extra {
            let name = id.rsplit('+').next().unwrap_or(id);
            g.add(id, name, deps, *member);
        }
        g
    }

    #[test]
    fn clean_graph_passes() {
        let g = graph(&[
            ("ledger+serde", &[], false),
            (API_CRATE, &["persistence", "tokio"], true),
            ("persistence", &["sea-orm", "ledger"], true),
            ("sea-orm", &["sqlx", "tokio"], false),
            ("sqlx", &[], false),
            ("tokio", &[], false),
        ]);
        assert_eq!(violations(&g), Vec::new());
    }

    #[test]
    fn a_transitive_runtime_crate_is_named_with_its_path() {
        let g = graph(&[
            ("payout+helper", &["mid"], false),
            ("mid", &["tokio", "actix-rt"], false),
            ("tokio", &[], false),
            ("actix-rt", &["tokio"], false),
        ]);
        let broken: Vec<String> = violations(&g).iter().map(|v| v.path.join(" -> ")).collect();
        assert_eq!(
            broken,
            vec![
                "payout -> helper -> mid -> tokio",
                "payout -> helper -> mid -> actix-rt"
            ]
        );
    }

    #[test]
    fn only_normal_edges_count() {
        // `graph` adds normal edges only; dev and build edges never enter a
        // `Graph` (see `from_metadata_keeps_normal_edges`).
        let g = graph(&[("deposit+serde", &[], false)]);
        assert!(violations(&g).is_empty());
    }

    #[test]
    fn api_may_not_use_the_database_directly() {
        let g = graph(&[
            (API_CRATE, &["sea-orm", "persistence"], true),
            ("persistence", &["sqlx"], true),
            ("sea-orm", &[], false),
            ("sqlx", &[], false),
        ]);
        let broken = violations(&g);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].path, vec![API_CRATE, "sea-orm"]);
    }

    #[test]
    fn a_missing_pure_crate_is_reported() {
        let mut g = graph(&[]);
        g.members.retain(|id| id != "audit" && id != API_CRATE);
        let broken = violations(&g);
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert_eq!(broken[0].path, vec!["audit"]);
        assert_eq!(broken[1].path, vec![API_CRATE]);
    }

    #[test]
    fn from_metadata_keeps_normal_edges() {
        let edge =
            |pkg: &str, kind: Value| serde_json::json!({"pkg": pkg, "dep_kinds": [{"kind": kind}]});
        let metadata = serde_json::json!({
            "packages": [
                {"id": "l", "name": "ledger"},
                {"id": "t", "name": "tokio"},
                {"id": "h", "name": "hyper"},
                {"id": "s", "name": "serde"},
            ],
            "workspace_members": ["l"],
            "resolve": {"nodes": [
                {"id": "l", "deps": [edge("t", "dev".into()), edge("h", "build".into()), edge("s", Value::Null)]},
            ]},
        });
        let g = Graph::from_metadata(&metadata).unwrap_or_default();
        assert_eq!(g.deps("l"), ["s".to_owned()]);
        assert_eq!(g.member("ledger"), Some("l"));
    }
}
