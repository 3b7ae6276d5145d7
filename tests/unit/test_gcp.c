/*
 * test_gcp.c - the GCP client's pure parts: error bodies and their
 * classes (pitfall B08), operations, instances, quotas, vCPUs from a
 * machine type, names, request ids and the URL policy.
 *
 * Owned by the migration work.
 */
#include <stdlib.h>

#include "gcp.h"
#include "ghttp.h"
#include "reqid.h"
#include "t.h"

static enum gcp_err_class
op_class(const char *json)
{
	cJSON *o = cJSON_Parse(json);
	struct gcp_op op;

	gcp_op_parse(o, &op);
	cJSON_Delete(o);
	CHECK(op.done && op.failed);
	return gcp_classify(&op.err);
}

/* B08: the three recorded replies, and the classes around them. */
static void
test_classify(void)
{
	struct gcp_error ge;

	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"ZONE_RESOURCE_POOL_"
			   "EXHAUSTED_WITH_DETAILS\",\"message\":\"The zone "
			   "does not have enough resources\"}]}}"),
		  GCP_ERR_ZONE);
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"ZONE_RESOURCE_POOL_"
			   "EXHAUSTED\",\"message\":\"x\"}]}}"), GCP_ERR_ZONE);
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"QUOTA_EXCEEDED\",\"message"
			   "\":\"Quota 'CPUS' exceeded.  Limit: 24.0 in region "
			   "us-central1.\"}]}}"), GCP_ERR_REGION);
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"QUOTA_EXCEEDED\",\"message"
			   "\":\"Quota 'GPUS_ALL_REGIONS' exceeded.  "
			   "Limit: 1.0 globally.\"}]}}"), GCP_ERR_PROJECT);
	/* The quotaInfo detail decides even without the message's words. */
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"QUOTA_EXCEEDED\",\"message"
			   "\":\"quota\",\"errorDetails\":[{\"quotaInfo\":{"
			   "\"metricName\":\"compute.googleapis.com/cpus\","
			   "\"dimensions\":{}}}]}]}}"), GCP_ERR_PROJECT);
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"SOMETHING_NEW\"}]}}"),
		  GCP_ERR_UNKNOWN);
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"SUBNET_NOT_FOUND_FOR_VPC"
			   "\"}]}}"), GCP_ERR_REGION);
	CHECK_INT(op_class("{\"name\":\"op\",\"status\":\"DONE\",\"error\":"
			   "{\"errors\":[{\"code\":\"IAM_PERMISSION_DENIED\"}"
			   "]}}"), GCP_ERR_CONFIG);

	/* Synchronous refusals in the standard error body. */
	gcp_error_from_body(&ge, 403, "{\"error\":{\"code\":403,\"message\":"
			    "\"m\",\"errors\":[{\"message\":\"Quota 'CPUS' "
			    "exceeded. Limit: 24.0 in region us-west1.\","
			    "\"domain\":\"usageLimits\",\"reason\":"
			    "\"quotaExceeded\"}]}}");
	CHECK_STR(ge.code, "quotaExceeded");
	CHECK_STR(ge.quota_metric, "CPUS");
	CHECK_INT(ge.quota_global, 0);
	CHECK_INT(gcp_classify(&ge), GCP_ERR_REGION);
	gcp_error_from_body(&ge, 403, "{\"error\":{\"code\":403,\"errors\":"
			    "[{\"reason\":\"forbidden\",\"message\":\"Location "
			    "us-east1-d is not found or access is unauthorized."
			    "\"}]}}");
	CHECK_INT(gcp_classify(&ge), GCP_ERR_ZONE);
	gcp_error_from_body(&ge, 503, "not json");
	CHECK_INT(gcp_classify(&ge), GCP_ERR_TRANSIENT);
	gcp_error_from_body(&ge, 429, NULL);
	CHECK_INT(gcp_classify(&ge), GCP_ERR_TRANSIENT);
	memset(&ge, 0, sizeof(ge));
	CHECK_INT(gcp_classify(&ge), GCP_ERR_TRANSIENT);
	CHECK_STR(gcp_err_class_name(GCP_ERR_PROJECT), "project");
}

static void
test_op(void)
{
	cJSON *o = cJSON_Parse("{\"kind\":\"compute#operation\",\"name\":"
			       "\"operation-1\",\"zone\":\"https://x/compute/v1"
			       "/projects/p/zones/us-east1-b\",\"status\":"
			       "\"RUNNING\"}");
	struct gcp_op op;

	gcp_op_parse(o, &op);
	cJSON_Delete(o);
	CHECK_STR(op.name, "operation-1");
	CHECK_STR(op.scope, "zones/us-east1-b");
	CHECK_INT(op.done, 0);
	CHECK_INT(op.failed, 0);
	o = cJSON_Parse("{\"name\":\"g\",\"status\":\"DONE\"}");
	gcp_op_parse(o, &op);
	cJSON_Delete(o);
	CHECK_STR(op.scope, "global");
	CHECK_INT(op.done, 1);
	CHECK_INT(op.failed, 0);
}

static void
test_instance(void)
{
	cJSON *o = cJSON_Parse(
	    "{\"name\":\"vm-1\",\"status\":\"RUNNING\",\"zone\":\"https://x/"
	    "projects/p/zones/us-east1-b\",\"machineType\":\"https://x/"
	    "projects/p/zones/us-east1-b/machineTypes/n2-standard-8\","
	    "\"labelFingerprint\":\"abc=\",\"labels\":{\"paired-gpu\":\"7\"},"
	    "\"networkInterfaces\":[{\"network\":\"global/networks/default\","
	    "\"networkIP\":\"10.0.0.2\",\"accessConfigs\":[{\"natIP\":"
	    "\"203.0.113.5\"}]}],\"disks\":[{\"type\":\"PERSISTENT\"},"
	    "{\"type\":\"SCRATCH\"}]}");
	struct gcp_instance i;
	struct perr e;

	CHECK_INT(gcp_instance_parse(o, &i, &e), P_OK);
	cJSON_Delete(o);
	CHECK_STR(i.zone, "us-east1-b");
	CHECK_STR(i.machine_type, "n2-standard-8");
	CHECK_STR(i.network_ip, "10.0.0.2");
	CHECK_STR(i.nat_ip, "203.0.113.5");
	CHECK_INT(i.has_nat, 1);
	CHECK_INT(i.local_ssd, 1);
	CHECK_STR(i.label_fp, "abc=");
	CHECK_STR(cJSON_GetObjectItem(i.labels, "paired-gpu")->valuestring,
		  "7");
	gcp_instance_release(&i);
	o = cJSON_Parse("{\"name\":\"vm-2\"}");
	CHECK_INT(gcp_instance_parse(o, &i, &e), P_OK);
	cJSON_Delete(o);
	CHECK_INT(i.has_nat, 0);
	CHECK_STR(i.nat_ip, "");
	CHECK(cJSON_IsObject(i.labels));
	gcp_instance_release(&i);
}

static void
test_vcpus_quota(void)
{
	struct gcp_region_info r;

	CHECK_INT(gcp_machine_vcpus("n2-highmem-4"), 4);
	CHECK_INT(gcp_machine_vcpus("e2-standard-8"), 8);
	CHECK_INT(gcp_machine_vcpus("e2-medium"), 2);
	CHECK_INT(gcp_machine_vcpus("f1-micro"), 1);
	CHECK_INT(gcp_machine_vcpus("n2-custom-8-32768"), 8);
	CHECK_INT(gcp_machine_vcpus("custom-4-16384"), 4);
	CHECK_INT(gcp_machine_vcpus("a2-highgpu-1g"), -1);
	CHECK_INT(gcp_machine_vcpus(""), -1);
	CHECK_INT(gcp_machine_vcpus("weird"), -1);
	memset(&r, 0, sizeof(r));
	r.nq = 1;
	snprintf(r.q[0].metric, sizeof(r.q[0].metric), "CPUS");
	r.q[0].limit = 24;
	r.q[0].usage = 20;
	CHECK(gcp_quota_room(&r, "CPUS") == 4);
	CHECK(gcp_quota_room(&r, "SSD_TOTAL_GB") == -1);
}

static void
test_names(void)
{
	CHECK(gcp_valid_name("cpu-worker-02", 0));
	CHECK(gcp_valid_name("us-east1-b", 0));
	CHECK(!gcp_valid_name("a/../b", 0));
	CHECK(!gcp_valid_name("Upper", 0));
	CHECK(!gcp_valid_name("", 0));
	CHECK(!gcp_valid_name("x?y", 0));
	CHECK(gcp_valid_name("example.com:my-project", 1));
	CHECK(!gcp_valid_name("example.com:my-project", 0));
}

static void
test_reqid(void)
{
	const char *a[] = { "uid", "create", "us-east1-b", "vm" };
	const char *b[] = { "uid", "create", "us-east1-c", "vm" };
	const char *c[] = { "uid", "createus-east1-b", "", "vm" };
	char x[REQID_LEN + 1], y[REQID_LEN + 1], z[REQID_LEN + 1];

	reqid_make(x, a, 4);
	reqid_make(y, a, 4);
	CHECK_STR(x, y);			/* the same step, the same id */
	reqid_make(y, b, 4);
	CHECK(strcmp(x, y) != 0);		/* another zone, another id */
	reqid_make(z, c, 4);
	CHECK(strcmp(x, z) != 0);		/* parts are delimited */
	CHECK(reqid_valid(x));
	CHECK_INT(x[14], '8');			/* version 8 */
	CHECK(strchr("89ab", x[19]) != NULL);	/* RFC 4122 variant */
	CHECK(!reqid_valid("00000000-0000-0000-0000-000000000000"));
	CHECK(!reqid_valid("not-a-uuid"));
}

static void
test_urls(void)
{
	struct perr e;

	CHECK_INT(ghttp_check_url("https://compute.googleapis.com", "x", &e),
		  P_OK);
	CHECK_INT(ghttp_check_url("http://127.0.0.1:8080", "x", &e), P_OK);
	CHECK_INT(ghttp_check_url("http://127.9.9.9/", "x", &e), P_OK);
	CHECK_INT(ghttp_check_url("http://[::1]:99/p", "x", &e), P_OK);
	CHECK_INT(ghttp_check_url("http://compute.googleapis.com", "x", &e),
		  P_EUSAGE);
	CHECK_INT(ghttp_check_url("http://localhost:1", "x", &e), P_EUSAGE);
	CHECK_INT(ghttp_check_url("http://10.0.0.1", "x", &e), P_EUSAGE);
	CHECK_INT(ghttp_check_url("ftp://127.0.0.1", "x", &e), P_EUSAGE);
	CHECK_INT(ghttp_check_url("nonsense", "x", &e), P_EUSAGE);
}

/* Exponential, capped, jittered within its upper half, and never
 * shorter than Retry-After. */
static void
test_backoff(void)
{
	unsigned long r;
	int ok = 1;

	for (r = 0; r < 1000; r += 7) {
		long a = ghttp_backoff_ms(1, r, -1);
		long b = ghttp_backoff_ms(3, r, -1);
		long c = ghttp_backoff_ms(20, r, -1);

		ok &= a >= GHTTP_BACKOFF_MS / 2 && a <= GHTTP_BACKOFF_MS;
		ok &= b >= 2 * GHTTP_BACKOFF_MS && b <= 4 * GHTTP_BACKOFF_MS;
		ok &= c >= GHTTP_BACKOFF_MAX_MS / 2 &&
		    c <= GHTTP_BACKOFF_MAX_MS;
	}
	CHECK(ok);
	CHECK(ghttp_backoff_ms(1, 0, 5000) == 5000);
	CHECK(ghttp_backoff_ms(1, 12345, 0) <= GHTTP_BACKOFF_MS);
}

int
main(void)
{
	T_RUN(test_classify);
	T_RUN(test_op);
	T_RUN(test_instance);
	T_RUN(test_vcpus_quota);
	T_RUN(test_names);
	T_RUN(test_reqid);
	T_RUN(test_urls);
	T_RUN(test_backoff);
	return T_DONE();
}
