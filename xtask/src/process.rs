//! Child processes for the smoke: cargo invocations, free ports, and server processes
//! that are killed on every exit path and log into files.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The workspace root (the parent of the xtask package).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// The cargo executable that runs us (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The workspace's target directory as cargo sees it (honours `CARGO_TARGET_DIR`).
pub async fn target_dir() -> Result<PathBuf> {
    let output = tokio::process::Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .await
        .context("running `cargo metadata`")?;
    if !output.status.success() {
        bail!("`cargo metadata` failed with {}", output.status);
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("parsing `cargo metadata` output")?;
    let dir = metadata
        .get("target_directory")
        .and_then(serde_json::Value::as_str)
        .context("`cargo metadata` has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Builds the `kasa` and `mock-psp` binaries, and the binary of each package in
/// `extra` (named like its package, e.g. `mock-games`), and returns the directory
/// holding them.
pub async fn build_binaries(release: bool, extra: &[&str]) -> Result<PathBuf> {
    let mut args = vec![
        "build",
        "--package",
        "kasa-api",
        "--bin",
        "kasa",
        "--package",
        "mock-psp",
        "--bin",
        "mock-psp",
    ];
    for package in extra {
        args.extend(["--package", package, "--bin", package]);
    }
    if release {
        args.push("--release");
    }
    println!("xtask: cargo {}", args.join(" "));
    let status = tokio::process::Command::new(cargo())
        .args(&args)
        .current_dir(workspace_root())
        .status()
        .await
        .context("running `cargo build`")?;
    if !status.success() {
        bail!(
            "`cargo build` of {} failed with {status}",
            built_names(extra)
        );
    }
    let profile_dir = if release { "release" } else { "debug" };
    Ok(target_dir().await?.join(profile_dir))
}

/// `kasa, mock-psp and mock-games`: the binaries [`build_binaries`] builds, for messages.
fn built_names(extra: &[&str]) -> String {
    let mut names = vec!["kasa", "mock-psp"];
    names.extend(extra);
    match names.split_last() {
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The path of binary `name` in `dir`, with the platform's executable suffix.
pub fn binary(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        bail!("binary {} not found after the build", path.display());
    }
    Ok(path)
}

/// Picks `count` distinct free TCP ports on 127.0.0.1 (all held open until all are chosen).
pub fn free_ports(count: usize) -> Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0"))
        .collect::<Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| Ok(l.local_addr().context("reading a bound port")?.port()))
        .collect()
}

/// A running child process, killed (and reaped) when dropped, whose stdout and
/// stderr go to a log file.
#[derive(Debug)]
pub struct ChildGuard {
    name: String,
    child: Child,
    log: PathBuf,
}

impl ChildGuard {
    /// Spawns `command` with stdout and stderr appended to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<Self> {
        let stdout = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let stderr = stdout
            .try_clone()
            .with_context(|| format!("sharing {}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("starting {name} ({:?})", command.get_program()))?;
        println!(
            "xtask: started {name} (pid {}), log {}",
            child.id(),
            log.display()
        );
        Ok(Self {
            name: name.to_owned(),
            child,
            log: log.to_path_buf(),
        })
    }

    /// The operating system's id of the process.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The process's name for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The log file of the process.
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// Fails if the process has already exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        match self
            .child
            .try_wait()
            .with_context(|| format!("checking on {}", self.name))?
        {
            Some(status) => bail!("{} exited early with {status}", self.name),
            None => Ok(()),
        }
    }

    /// Waits until the log contains `marker` or `127.0.0.1:port` accepts connections.
    pub async fn wait_listening(
        &mut self,
        marker: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            self.ensure_running()?;
            if read_to_string_lossy(&self.log)?.contains(marker) {
                return Ok(());
            }
            if tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} did not start listening on port {port} within {timeout:?}",
                    self.name
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the log contains `marker`.
    pub async fn wait_for_log(&mut self, marker: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            self.ensure_running()?;
            if read_to_string_lossy(&self.log)?.contains(marker) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("{} did not log {marker:?} within {timeout:?}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Kills the process with SIGKILL (no chance to clean up) and reaps it.
    pub fn kill_hard(&mut self) -> Result<()> {
        self.child
            .kill()
            .with_context(|| format!("killing {}", self.name))?;
        self.child
            .wait()
            .with_context(|| format!("reaping {}", self.name))?;
        Ok(())
    }

    /// The last `lines` lines of the log.
    pub fn tail(&self, lines: usize) -> String {
        match tail_file(&self.log, lines) {
            Ok(text) => text,
            Err(error) => format!("(could not read {}: {error:#})", self.log.display()),
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // Best effort: the process may exit between the check and the kill.
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The whole file as text (invalid UTF-8 replaced).
fn read_to_string_lossy(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The last `lines` lines of a file, reading at most its last 64 KiB.
fn tail_file(path: &Path, lines: usize) -> Result<String> {
    const WINDOW: u64 = 64 * 1024;
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let len = file
        .metadata()
        .with_context(|| format!("reading metadata of {}", path.display()))?
        .len();
    file.seek(SeekFrom::Start(len.saturating_sub(WINDOW)))
        .with_context(|| format!("seeking in {}", path.display()))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    Ok(all[all.len().saturating_sub(lines)..].join("\n"))
}
