//! `GET /oefenomgeving/verzoeken`: the demo verzoeken of the simulated Omgevingsloket, for
//! the picker in the app; any signed-in caller. A service without a simulated Omgevingsloket
//! answers an empty list.
use crate::app::{AppState, Caller};
use crate::error::{ApiError, ApiResult};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub async fn verzoeken(State(st): State<AppState>, _c: Caller) -> ApiResult<Response> {
    let verzoeken = st.omgevingsloket.verzoeken().await.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "omgevingsloket-niet-bereikbaar",
            "Omgevingsloket niet bereikbaar",
            e.to_string(),
        )
    })?;
    let body =
        serde_json::to_vec(&json!({ "verzoeken": verzoeken })).map_err(|_| ApiError::internal())?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
