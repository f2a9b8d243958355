//! Job rows, as claimed.

use super::corrupt;
use crate::entities::job as job_row;
use crate::error::StoreResult;
use crate::records::LeasedJob;

/// A `jobs` row just leased (its lease token set by the claim).
pub(crate) fn leased_job(row: job_row::Model) -> StoreResult<LeasedJob> {
    let lease_token = row
        .lease_token
        .ok_or_else(|| corrupt("jobs.lease_token", "NULL on a claimed job"))?;
    Ok(LeasedJob {
        id: row.id,
        kind: row.kind,
        payload: row.payload,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        lease_token,
    })
}
