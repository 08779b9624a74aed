//! The address a request came from: the connection's peer, or — when the peer is one of
//! `INLET_TRUSTED_PROXIES` — the client it forwards for (`X-Forwarded-For`).

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::domain::network::client_address;
use crate::server::startup::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddress
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(Self::of(&state, parts))
    }
}

impl ClientAddress {
    pub fn of(state: &AppState, parts: &Parts) -> Self {
        // The server always runs with connect info; without it (never in practice) the
        // unspecified address matches no allow list entry but "anywhere".
        let peer =
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Self(client_address(peer, forwarded, &state.trusted_proxies))
    }
}
