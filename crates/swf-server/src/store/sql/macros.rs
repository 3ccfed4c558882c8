//! SQL fragments shared by the modules of both backends (included first, so that the
//! modules below it see the macro).

/// Whether the row `x` (with `document_id` and `alleen_volledig`) is about an SV document: the
/// document's confidentiality now, or the last one it had when it is gone (decision D4).
macro_rules! over_sv {
    ($x:literal) => {
        concat!(
            "COALESCE((SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = ",
            $x,
            ".document_id), ",
            $x,
            ".alleen_volledig = 1)"
        )
    };
}
