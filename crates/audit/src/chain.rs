//! Which chain an event is appended to.
//!
//! Appends to one chain serialize on its head row, so admin and system actions
//! go to the tenant's main chain (`<tenant>`) and a player's own actions to one
//! of [`PLAYER_LANES`] lanes (`<tenant>/<lane>`, chosen by the player). Chains
//! of different tenants never wait for each other.

use uuid::Uuid;

/// Chain of events that concern no tenant.
pub const PLATFORM_CHAIN: &str = "platform";
/// Lanes of a tenant's chain that carry players' own actions.
pub const PLAYER_LANES: u32 = 4096;

/// The chain an event of `actor` (`player:<id>`, `admin:<id>`, …) about
/// `tenant` is appended to.
pub fn chain_of(tenant: Option<Uuid>, actor: &str) -> String {
    let Some(tenant) = tenant else {
        return PLATFORM_CHAIN.to_owned();
    };
    match actor.strip_prefix("player:") {
        Some(player) => format!("{tenant}/{}", lane_of(player)),
        None => tenant.to_string(),
    }
}

/// A stable lane (FNV-1a of the player id) in `0..PLAYER_LANES`: stored
/// chain ids depend on it, so it must never change.
pub fn lane_of(player: &str) -> u32 {
    let hash = player.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash % PLAYER_LANES
}

/// Whether `chain_id` is one of `tenant`'s chains (its main chain or a lane).
pub fn belongs_to(chain_id: &str, tenant: Uuid) -> bool {
    let tenant = tenant.to_string();
    chain_id == tenant
        || chain_id
            .strip_prefix(tenant.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|lane| lane.parse::<u32>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn players_actions_go_to_stable_lanes_of_their_tenant() {
        let tenant = Uuid::now_v7();
        let player = "player:0193a1b2-0000-7000-8000-000000000001";
        let chain = chain_of(Some(tenant), player);
        assert_eq!(chain, chain_of(Some(tenant), player));
        assert!(chain.starts_with(&format!("{tenant}/")));
        assert!(belongs_to(&chain, tenant));
        assert_eq!(chain_of(Some(tenant), "admin:x"), tenant.to_string());
        assert_eq!(chain_of(None, player), PLATFORM_CHAIN);
        assert!(!belongs_to(&format!("{tenant}x/1"), tenant));
        assert!(!belongs_to(&Uuid::now_v7().to_string(), tenant));
    }

    #[test]
    fn lanes_spread_players() {
        // 64 concurrent players rarely share a lane (and so rarely wait on one
        // another's commits): 64 · 63 / 2 / 4096 ≈ 0.5 expected pairs.
        let lanes: std::collections::HashSet<u32> = (0..64_u128)
            .map(|n| lane_of(&Uuid::from_u128(n * 7919 + 1).to_string()))
            .collect();
        assert!(lanes.len() >= 60, "64 players in {} lanes", lanes.len());
        assert!(lanes.iter().all(|lane| *lane < PLAYER_LANES));
    }

    #[test]
    fn lanes_are_the_stored_fnv1a() {
        // Stored chain ids name these lanes: the function must never change.
        assert_eq!(lane_of(""), 0x811c_9dc5 % PLAYER_LANES);
        assert_eq!(lane_of("a"), 0xe40c_292c % PLAYER_LANES);
    }

    fn tenant() -> impl Strategy<Value = Uuid> {
        any::<u128>().prop_map(Uuid::from_u128)
    }

    fn actor() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9-]{0,40}".prop_map(|id| format!("player:{id}")),
            "[a-z0-9-]{0,40}".prop_map(|id| format!("admin:{id}")),
            "[a-z:]{0,20}",
        ]
    }

    proptest! {
        #[test]
        fn lanes_are_deterministic_and_in_range(player in ".{0,64}") {
            let lane = lane_of(&player);
            prop_assert!(lane < PLAYER_LANES);
            prop_assert_eq!(lane, lane_of(&player));
        }

        #[test]
        fn a_chain_belongs_to_exactly_its_tenant(
            of in tenant(),
            other in tenant(),
            actor in actor(),
        ) {
            let chain = chain_of(Some(of), &actor);
            prop_assert!(belongs_to(&chain, of), "{}", chain);
            prop_assert_eq!(belongs_to(&chain, other), other == of);
            prop_assert_eq!(&chain, &chain_of(Some(of), &actor));
            let platform = chain_of(None, &actor);
            prop_assert_eq!(platform.as_str(), PLATFORM_CHAIN);
            prop_assert!(!belongs_to(&platform, of));
        }
    }
}
