//! The `kasa serve` process under chaos: killed with SIGKILL and started again on
//! the same port with the same environment, each generation logging into its own
//! file (`kasa.log`, `kasa-1.log`, ...).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use tokio::sync::Mutex;

use crate::process::ChildGuard;
use crate::smoke::stack::Launcher;

/// How often a restart is tried before the run fails (the port may still be held
/// for a moment after the kill).
const START_TRIES: u32 = 5;
/// The pause between two tries.
const START_PAUSE: Duration = Duration::from_millis(500);

/// The running server and how to start it again.
pub struct Server {
    launcher: Launcher,
    current: Mutex<ChildGuard>,
    restarts: AtomicU64,
}

impl Server {
    /// Takes over the running `kasa` process that `launcher` started.
    pub fn adopt(launcher: Launcher, kasa: ChildGuard) -> Result<Self> {
        ensure!(
            kasa.name() == "kasa",
            "expected the kasa process, got {}",
            kasa.name()
        );
        Ok(Self {
            launcher,
            current: Mutex::new(kasa),
            restarts: AtomicU64::new(0),
        })
    }

    /// Kills the server with SIGKILL (no graceful shutdown: requests in flight are
    /// cut off, transactions open in it are left to PostgreSQL to roll back) and
    /// starts it again; returns how long it was down.
    pub async fn kill_and_restart(&self) -> Result<Duration> {
        let mut current = self.current.lock().await;
        current.kill_hard()?;
        let killed = Instant::now();
        let generation = self.restarts.fetch_add(1, Ordering::Relaxed) + 1;
        let mut tries = 0;
        loop {
            tries += 1;
            let log = if tries == 1 {
                format!("kasa-{generation}")
            } else {
                format!("kasa-{generation}-try{tries}")
            };
            match self.launcher.serve(&log, &[]).await {
                Ok(child) => {
                    *current = child;
                    return Ok(killed.elapsed());
                }
                Err(error) if tries < START_TRIES => {
                    eprintln!("chaos: restart {generation} try {tries} failed: {error:#}");
                    tokio::time::sleep(START_PAUSE).await;
                }
                Err(error) => {
                    return Err(error).with_context(|| {
                        format!("restarting kasa ({generation}) after {tries} tries")
                    });
                }
            }
        }
    }

    /// Fails unless the current server process is running.
    pub async fn ensure_running(&self) -> Result<()> {
        self.current.lock().await.ensure_running()
    }

    /// The work directory with every generation's log.
    pub fn work(&self) -> &Path {
        self.launcher.work()
    }

    /// The last `lines` lines of the current generation's log.
    pub async fn tail(&self, lines: usize) -> String {
        let current = self.current.lock().await;
        format!(
            "----- last lines of {} -----\n{}\n----- end -----",
            current.log().display(),
            current.tail(lines)
        )
    }
}
