//! One game session's calls: each is sent, printed on one line, and checked
//! against what the contract says, the expected balance following along.

use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::answer::Answer;
use crate::bodies::{self, Stake};
use crate::error::PlayError;
use crate::expect::{Expected, Tracker};
use crate::ids::RunIds;
use crate::player::{GameSession, PlayerApi, Wallet};
use crate::provider::{Action, ProviderApi, Signing};
use crate::report::CallLine;

/// A running game session and what the simulator expects of it.
#[derive(Debug)]
pub struct Play {
    provider: ProviderApi,
    player: PlayerApi,
    session: GameSession,
    game: String,
    ids: RunIds,
    tracker: Tracker,
    calls: usize,
}

impl Play {
    /// Starts with a `balance` call, whose answer is the expected balance from then on.
    pub async fn start(
        provider: ProviderApi,
        player: PlayerApi,
        session: GameSession,
        game: &str,
        ids: RunIds,
    ) -> Result<Self, PlayError> {
        let body = bodies::balance(session.token.expose_secret());
        let answer = provider
            .call(Action::Balance, &body, Signing::Valid)
            .await?;
        let line = CallLine {
            number: 1,
            action: Action::Balance.as_str(),
            amount: None,
            verdict: &answer.verdict(),
            balance: answer.balance.as_deref(),
            currency: answer.currency.as_deref().unwrap_or_default(),
            note: "start",
        };
        println!("{}", line.render());
        let tracker = Tracker::start(&answer).map_err(|detail| PlayError::Unexpected {
            call: 1,
            action: "balance (start)".to_owned(),
            detail,
        })?;
        if tracker.currency() != session.currency {
            return Err(PlayError::Unexpected {
                call: 1,
                action: "balance (start)".to_owned(),
                detail: format!(
                    "currency {} differs from the session's {}",
                    tracker.currency(),
                    session.currency
                ),
            });
        }
        Ok(Self {
            provider,
            player,
            session,
            game: game.to_owned(),
            ids,
            tracker,
            calls: 1,
        })
    }

    /// The run's id maker.
    pub fn ids(&mut self) -> &mut RunIds {
        &mut self.ids
    }

    /// The expected balance so far.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// How many provider calls were sent.
    pub fn calls(&self) -> usize {
        self.calls
    }

    /// `amount` in the currency's digits.
    pub fn sendable(&self, amount: Decimal) -> Decimal {
        self.tracker.sendable(amount)
    }

    /// A fresh stake: new transaction id, `amount` in the currency's digits.
    pub fn stake(&mut self, round_id: &str, amount: Decimal, round_closed: bool) -> Stake {
        Stake {
            transaction_id: self.ids.transaction(),
            round_id: round_id.to_owned(),
            amount: self.tracker.sendable(amount),
            round_closed,
        }
    }

    /// Fails with "deposit first" when a bet of `amount` does not fit the expected balance.
    pub fn ensure_affords(&self, amount: Decimal) -> Result<(), PlayError> {
        if self.tracker.affords(amount) {
            return Ok(());
        }
        Err(PlayError::DepositFirst {
            available: self.tracker.balance_text(),
            needed: self.tracker.text(amount),
            currency: self.tracker.currency().to_owned(),
        })
    }

    /// The body of a `balance` call.
    pub fn balance_body(&self) -> Value {
        bodies::balance(self.session.token.expose_secret())
    }

    /// The body of a `bet` or `win` call.
    pub fn stake_body(&self, stake: &Stake) -> Value {
        bodies::stake(
            self.session.token.expose_secret(),
            &self.game,
            stake,
            &self.tracker,
        )
    }

    /// The body of a `rollback` call naming `reference` in `round_id`.
    pub fn rollback_body(&self, transaction_id: &str, reference: &str, round_id: &str) -> Value {
        bodies::rollback(
            self.session.token.expose_secret(),
            transaction_id,
            reference,
            round_id,
            &self.game,
        )
    }

    /// Sends one call, prints it and checks the answer against `expected`.
    pub async fn send(
        &mut self,
        action: Action,
        body: &Value,
        signed_as: Signing,
        expected: Expected,
        note: &str,
    ) -> Result<Answer, PlayError> {
        let answer = self.deliver(action, body, signed_as, note, None).await?;
        self.tracker
            .check(&answer, &expected)
            .map_err(|detail| PlayError::Unexpected {
                call: self.calls,
                action: format!("{} ({note})", action.as_str()),
                detail,
            })?;
        Ok(answer)
    }

    /// Sends one call whose answer gets "lost": printed as ignored, never checked.
    pub async fn send_and_lose(
        &mut self,
        action: Action,
        body: &Value,
        note: &str,
    ) -> Result<(), PlayError> {
        self.deliver(action, body, Signing::Valid, note, Some("answer ignored"))
            .await?;
        Ok(())
    }

    async fn deliver(
        &mut self,
        action: Action,
        body: &Value,
        signed_as: Signing,
        note: &str,
        verdict_shown: Option<&str>,
    ) -> Result<Answer, PlayError> {
        let answer = self.provider.call(action, body, signed_as).await?;
        self.calls += 1;
        let verdict = answer.verdict();
        let line = CallLine {
            number: self.calls,
            action: action.as_str(),
            amount: body.get("amount").and_then(Value::as_str),
            verdict: verdict_shown.unwrap_or(&verdict),
            balance: verdict_shown.map_or(answer.balance.as_deref(), |_| None),
            currency: self.tracker.currency(),
            note,
        };
        println!("{}", line.render());
        Ok(answer)
    }

    /// `DELETE /me/game-sessions/{id}`: the session ends (bets and balance then
    /// answer `session_invalid`; wins and rollbacks still apply).
    pub async fn revoke_session(&mut self) -> Result<(), PlayError> {
        self.player.revoke_session(&self.session.id).await?;
        println!("mock-games: session revoked");
        Ok(())
    }

    /// `GET /me/wallet` of the player.
    pub async fn wallet(&self) -> Result<Wallet, PlayError> {
        self.player.wallet().await
    }
}

/// `body` with its `session` replaced by `token` (a session Kasa never issued).
pub fn with_session(mut body: Value, token: &SecretString) -> Value {
    if let Some(fields) = body.as_object_mut() {
        fields.insert(
            "session".to_owned(),
            Value::String(token.expose_secret().to_owned()),
        );
    }
    body
}
