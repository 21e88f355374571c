-- A date whose year was inferred with doubt (no year written, far from the document's date,
-- or read against today): the staff proposal says « année déduite » so it gets checked.
ALTER TABLE cal_proposals ADD COLUMN year_doubt INTEGER NOT NULL DEFAULT 0;
