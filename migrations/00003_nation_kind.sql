-- +goose Up
-- The national level above the provinces and cities (Đảng bộ toàn quốc: the
-- national congress, Đại hội đại biểu toàn quốc), so that one tree can hold
-- the whole country: a nation at the root, its provinces and cities below.
INSERT INTO unit_kinds (code, name_vi, name_en, is_cell, is_grassroots, may_be_root, sort_order) VALUES
    ('nation', 'Đảng Cộng sản Việt Nam (toàn quốc)', 'Communist Party of Vietnam (national)', false, false, true, 0);

INSERT INTO unit_kind_rules (parent_kind, child_kind) VALUES
    ('nation', 'city');

-- The national congress prepares like a city's: the same milestones.
INSERT INTO milestone_templates (kind, seq, code, name_vi, name_en, due_date, due_offset_days, requires_approval, auto)
SELECT 'nation', seq, code, name_vi, name_en, due_date, due_offset_days, requires_approval, auto
FROM milestone_templates WHERE kind = 'city';
