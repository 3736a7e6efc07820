-- Inference that holds on real series (issue 12) and results that know their settings (issue 14).

-- p_value: two-sided p-value of the estimate (NULL where there is no interval);
-- q_value: Benjamini-Hochberg q-value across the subjects of one (event_date, as_of, method);
-- "significant" means q_value < 0.05.
ALTER TABLE a_event_deltas ADD COLUMN p_value DOUBLE;
ALTER TABLE a_event_deltas ADD COLUMN q_value DOUBLE;

-- The settings each event's results were computed with (DeltaSettings.fingerprint()): analyze
-- recomputes an event whose stored settings differ from the current ones.
CREATE TABLE a_event_settings (
    event_date    DATE NOT NULL,
    as_of         DATE NOT NULL,
    settings      VARCHAR NOT NULL,
    computed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_date, as_of)
);
