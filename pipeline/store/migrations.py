"""Named, ordered schema migrations. Each runs once, in a transaction, and is recorded.

Never edit a migration that has shipped: add a new one. The public tables
(documents, segments, ...) follow ../shared/CONTRACT.md and are only extended.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from pipeline.store.connect import transaction

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_documents_segments",
        """
        CREATE TABLE documents (
            doc_id       VARCHAR PRIMARY KEY,
            path         VARCHAR NOT NULL,
            title        VARCHAR,
            kind         VARCHAR NOT NULL,
            languages    VARCHAR[] NOT NULL,
            publisher    VARCHAR,
            source_url   VARCHAR,
            published_on DATE,
            derived_from VARCHAR,
            ingested_at  TIMESTAMP NOT NULL
        );
        CREATE TABLE segments (
            doc_id         VARCHAR NOT NULL,
            seg_no         INTEGER NOT NULL,
            lang           VARCHAR NOT NULL,
            speaker        VARCHAR,
            text           VARCHAR NOT NULL,
            translation_of INTEGER,
            PRIMARY KEY (doc_id, seg_no)
        );
        -- Internal: what each file looked like when ingested, so unchanged files are skipped.
        CREATE TABLE ingested_files (
            path        VARCHAR PRIMARY KEY,
            sha256      VARCHAR NOT NULL,
            ingested_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        "0002_figures",
        """
        CREATE TABLE figures (
            figure_id VARCHAR PRIMARY KEY,
            doc_id    VARCHAR NOT NULL,
            seg_no    INTEGER NOT NULL,
            start     INTEGER NOT NULL,
            "end"     INTEGER NOT NULL,
            text      VARCHAR NOT NULL,
            quantity  VARCHAR NOT NULL,
            value     DOUBLE NOT NULL,
            value_max DOUBLE,
            unit      VARCHAR NOT NULL,
            period    VARCHAR,
            per_unit  VARCHAR,
            bound     VARCHAR NOT NULL,
            role      VARCHAR,
            subject   VARCHAR,
            deal_id   VARCHAR
        );
        -- Documents stored before figures existed get theirs on the next ingest.
        DELETE FROM ingested_files;
        """,
    ),
    (
        "0003_entities_deals",
        """
        CREATE TABLE entities (
            doc_id    VARCHAR NOT NULL,
            seg_no    INTEGER NOT NULL,
            start     INTEGER NOT NULL,
            "end"     INTEGER NOT NULL,
            text      VARCHAR NOT NULL,
            label     VARCHAR NOT NULL,
            canonical VARCHAR NOT NULL,
            known     BOOLEAN NOT NULL  -- the canonical name comes from the gazetteer
        );
        -- Internal: each statement of a deal, per document; deals are built from them.
        CREATE TABLE deal_mentions (
            mention_id VARCHAR PRIMARY KEY,
            doc_id     VARCHAR NOT NULL,
            seg_no     INTEGER NOT NULL,
            kind       VARCHAR NOT NULL,
            provider   VARCHAR NOT NULL,
            customer   VARCHAR NOT NULL,
            site       VARCHAR,
            location   VARCHAR
        );
        CREATE TABLE deal_mention_figures (
            mention_id VARCHAR NOT NULL,
            doc_id     VARCHAR NOT NULL,
            field      VARCHAR NOT NULL,
            figure_id  VARCHAR NOT NULL
        );
        CREATE TABLE deals (
            deal_id      VARCHAR PRIMARY KEY,
            kind         VARCHAR NOT NULL,
            provider     VARCHAR NOT NULL,
            customer     VARCHAR NOT NULL,
            site         VARCHAR,
            location     VARCHAR,
            capacity_mw  DOUBLE,
            gpus         DOUBLE,
            usd_per_month DOUBLE,
            usd_total    DOUBLE,
            term_days    DOUBLE,
            notice_days  DOUBLE,
            sources      INTEGER NOT NULL,
            documents    INTEGER NOT NULL,
            conflicts    VARCHAR[] NOT NULL
        );
        CREATE TABLE deal_evidence (
            deal_id   VARCHAR NOT NULL,
            field     VARCHAR NOT NULL,
            figure_id VARCHAR,
            doc_id    VARCHAR NOT NULL,
            seg_no    INTEGER NOT NULL,
            value     VARCHAR,   -- the figure's normalized value, or the name of a party or place
            text      VARCHAR,   -- as written
            chosen    BOOLEAN NOT NULL  -- this evidence supports the value in deals
        );
        -- Fields whose sources disagree, with every value and where it is stated.
        CREATE VIEW deal_conflicts AS
            SELECT e.deal_id, e.field, e.value, e.text, e.doc_id, e.seg_no, e.chosen
            FROM deal_evidence e JOIN deals d USING (deal_id)
            WHERE list_contains(d.conflicts, e.field);
        DELETE FROM ingested_files;
        """,
    ),
    (
        "0004_claims_arguments",
        """
        CREATE TABLE claims (
            claim_id       VARCHAR PRIMARY KEY,
            doc_id         VARCHAR NOT NULL,
            seg_no         INTEGER NOT NULL,
            start          INTEGER NOT NULL,
            "end"          INTEGER NOT NULL,
            text           VARCHAR NOT NULL,
            lang           VARCHAR NOT NULL,
            speaker        VARCHAR,
            stance         VARCHAR NOT NULL,
            stance_score   DOUBLE NOT NULL,
            argument_id    INTEGER,
            claim_score    DOUBLE NOT NULL,  -- the claim detector's confidence
            context        VARCHAR,          -- the sentence before it
            translation_of VARCHAR,          -- claim_id of the claim this one translates
            stance_probs   DOUBLE[]          -- the head's own probabilities (neutral, positive,
                                             -- skeptical), before argument and speaker consistency
        );
        -- The embedding each claim was grouped by, so regrouping never re-encodes.
        CREATE TABLE claim_vectors (
            claim_id VARCHAR PRIMARY KEY,
            model    VARCHAR NOT NULL,
            vector   FLOAT[] NOT NULL
        );
        CREATE TABLE arguments (
            argument_id INTEGER PRIMARY KEY,
            label       VARCHAR NOT NULL,
            stance      VARCHAR NOT NULL,
            claims      INTEGER NOT NULL,
            documents   INTEGER NOT NULL,
            languages   VARCHAR[] NOT NULL
        );
        DELETE FROM ingested_files;
        """,
    ),
    (
        "0005_deal_economics",
        # Same formulas as pipeline/economics.py (730 hours a month); tests keep them equal.
        """
        CREATE VIEW deal_economics AS
        SELECT deal_id,
               usd_per_month,
               usd_per_month * 12 AS usd_per_year,
               usd_per_month / (gpus * 730.0) AS usd_per_gpu_hour,
               usd_per_month / capacity_mw AS usd_per_mw_month,
               capacity_mw * 1000.0 / gpus AS kw_per_gpu
        FROM deals;
        """,
    ),
    (
        "0006_summaries",
        # One current summary per deal and language. `facts` is the snapshot the text was
        # written from: the next run compares against it to say what changed, and keeps
        # the row untouched when nothing did.
        """
        CREATE TABLE summaries (
            deal_id      VARCHAR NOT NULL,
            lang         VARCHAR NOT NULL,
            text         VARCHAR NOT NULL,  -- Markdown
            generated_at TIMESTAMP NOT NULL,
            facts        JSON NOT NULL,
            PRIMARY KEY (deal_id, lang)
        );
        """,
    ),
    (
        "0007_incremental",
        # Internal state that lets a new document cost the same in any store: the
        # sentence-vector cache, each document's place in ingest order and its
        # near-duplicate / quotation keys, the running sums of each argument, and
        # the work a crashed run left to do. Documents stored by earlier versions
        # lack vectors and keys: their files are read again on the next ingest.
        """
        DROP TABLE claim_vectors;
        CREATE TABLE sentence_vectors (
            model  VARCHAR NOT NULL,  -- which encoder (and version) made it
            key    VARCHAR NOT NULL,  -- vectors.text_key of the text
            vector BLOB NOT NULL,     -- 8-bit codes with a float32 scale (vectors.pack_many)
            PRIMARY KEY (model, key)
        );
        -- Per claim: its sentence's cache key; its ingest order (the argument index key);
        -- its probabilities shared with its translation; the mean of its speaker's other
        -- claims' in the document.
        ALTER TABLE claims ADD COLUMN vector_key VARCHAR;
        ALTER TABLE claims ADD COLUMN claim_seq BIGINT;
        ALTER TABLE claims ADD COLUMN shared_probs DOUBLE[];
        ALTER TABLE claims ADD COLUMN speaker_probs DOUBLE[];
        CREATE TABLE doc_state (
            doc_id       VARCHAR PRIMARY KEY,
            doc_seq      BIGINT NOT NULL,   -- ingest order
            pipeline     INTEGER NOT NULL,  -- flow.PIPELINE_VERSION that analyzed it
            kind_rank    INTEGER NOT NULL,  -- how original its kind is (transcript first)
            length       INTEGER NOT NULL,
            published_on DATE,
            minhash      BLOB               -- MinHash signature of its word 5-shingles
        );
        -- Keys a new document's candidates are found by: LSH bands (b), title (t),
        -- word or character n-grams of its text (g) and of its quotations (q, part = which quote).
        CREATE TABLE doc_keys (
            doc_id VARCHAR NOT NULL,
            kind   VARCHAR NOT NULL,
            key    UBIGINT NOT NULL,
            part   INTEGER
        );
        CREATE TABLE argument_state (
            argument_id INTEGER PRIMARY KEY,
            n           INTEGER NOT NULL,
            vector_sum  BLOB NOT NULL,     -- float32 sum of its claims' similarity vectors
            prob_sum    DOUBLE[] NOT NULL  -- sum of its claims' shared_probs
        );
        CREATE TABLE pending (kind VARCHAR NOT NULL, key VARCHAR NOT NULL);
        -- The last doc_seq and claim_seq handed out: never reused, even when the newest
        -- documents are removed (the argument index is keyed by claim_seq).
        CREATE TABLE counters (name VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
        DELETE FROM ingested_files;
        """,
    ),
    (
        "0008_deal_status",
        # announced, reported, rumoured or ended (denied and hypothetical statements make
        # no deal). Mentions stored before have none: their documents are analyzed again
        # on the next ingest (flow.PIPELINE_VERSION 2), and read as announced until then.
        """
        ALTER TABLE deal_mentions ADD COLUMN status VARCHAR;
        ALTER TABLE deals ADD COLUMN status VARCHAR;
        """,
    ),
    (
        "0009_store_identity",
        # Which store the files beside it (the argument index) belong to: a store deleted
        # and made again at the same path must not take the old store's index.
        """
        CREATE TABLE store_identity AS SELECT uuid()::VARCHAR AS id;
        """,
    ),
)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this store has not seen; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied: list[str] = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                [name, datetime.now(UTC)],
            )
        applied.append(name)
    return applied
