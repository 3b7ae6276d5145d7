-- 003_inventory_ids.sql: one VM per GCP instance id.  Two rows with the
-- same id would both be paired and both be billed the id's egress.
CREATE UNIQUE INDEX vm_instance_unique ON vm(instance_id)
  WHERE instance_id IS NOT NULL;
DROP INDEX vm_instance;
