-- The tagger's confusion matrix (issue 13): out-of-fold counts of labelled postings by true and
-- tagged category, written by `jobtrends eval confusion` and `jobtrends enrich` from the
-- versioned data file analytics/tagging/data/confusion_matrix.json. The analysis reads it to
-- publish adjusted category shares (method share_adjusted, columns *_adjusted).

CREATE TABLE tagger_confusion (
    tagger_version VARCHAR NOT NULL,   -- rules_version of the tagger the matrix was built with
    truth          VARCHAR NOT NULL,   -- the posting's labelled category (the 12 or 'Other')
    predicted      VARCHAR NOT NULL,   -- what the tagger said from the title alone
    n              BIGINT NOT NULL,    -- labelled postings in that cell
    source         VARCHAR NOT NULL,   -- the labelled files / warehouse refresh it came from
    saved_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (truth, predicted)
);

-- adjusted series: NULL where the window holds fewer tagged postings than the correction
-- needs (analytics/trends/adjusted.py, MIN_ADJUSTED_POSTINGS)
ALTER TABLE a_moving_averages ADD COLUMN ma_share_adjusted DOUBLE;
ALTER TABLE a_moving_averages ADD COLUMN ma_n_adjusted DOUBLE;
