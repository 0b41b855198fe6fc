-- Bill numbers are matched upper-cased since the counter asks for the POS bill number ("hd-0012" is "HD-0012"):
-- keys stored before follow, so a bill awarded before the upgrade is still a duplicate after it. A bill stored
-- twice under two spellings keeps its second spelling (OR IGNORE): both entries stay, neither key is lost.
UPDATE OR IGNORE points_ledger
SET source_key = 'purchase:' || substr(source_key, 10, instr(substr(source_key, 10), ':')) || upper(trim(substr(source_key, 10 + instr(substr(source_key, 10), ':'))))
WHERE source_key LIKE 'purchase:%:%';
