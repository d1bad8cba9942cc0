-- The random-check list (随机抽查事项清单, 双随机、一公开): an agency's powers
-- items of category INSPECTION (4) it checks by random draw.
ALTER TABLE powers_items ADD COLUMN random_check boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT powers_items_random_check_inspection CHECK (NOT random_check OR category = 4);

-- The annual inspection plans (年度检查计划) agencies published, as the
-- inspections service reports them (RecordInspectionPlans): the first day a
-- plan of the agency for the year was public. An agency holding powers items
-- of category INSPECTION must have this year's (coverage item
-- "inspection_plan").
CREATE TABLE inspection_plans (
  agency_credit_code text NOT NULL REFERENCES agencies (credit_code),
  year               integer NOT NULL,
  published_on       date NOT NULL,
  PRIMARY KEY (agency_credit_code, year)
);
