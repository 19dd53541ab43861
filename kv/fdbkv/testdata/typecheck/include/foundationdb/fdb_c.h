/*
 * STAND-IN HEADER FOR TYPE-CHECKING ONLY. NOT THE FOUNDATIONDB C API.
 *
 * fdbelect's CI cannot install the FoundationDB client package, yet it must
 * compile the cgo code of the official Go bindings (and so kv/fdbkv built
 * with -tags fdb) on every run. This file declares just what that cgo code
 * uses: the scalar and opaque types, the option and mode enum types, the
 * callback type and the prototypes of the functions it calls, for the
 * bindings pinned in go.mod (API version 730, release 7.3).
 *
 * .ci/fdb-typecheck.sh puts this directory on the include path with
 * CGO_CFLAGS. Nothing ships it, nothing links against it, and nothing built
 * with it can run: real builds use the header installed by the FoundationDB
 * client package (/usr/include/foundationdb/fdb_c.h). Enum members list only
 * a few codes for orientation; the bindings pass option codes as integers
 * taken from their generated Go file.
 *
 * When the pinned bindings change, regenerate the list of calls with
 *   grep -ohE '\bC\.fdb_[a-z_0-9]+' $(go env GOMODCACHE)/github.com/apple/\
 *   foundationdb/bindings/go@VERSION/src/fdb/\*.go | sort -u
 * and update the prototypes below from the real 7.3 header.
 */
#ifndef FDBELECT_TYPECHECK_FDB_C_H
#define FDBELECT_TYPECHECK_FDB_C_H

#ifndef FDB_API_VERSION
#error "define FDB_API_VERSION before including foundationdb/fdb_c.h"
#endif
#if FDB_API_VERSION != 730
#error "this stand-in header describes API version 730 only"
#endif

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int fdb_error_t;
typedef int fdb_bool_t;

typedef struct FDB_future FDBFuture;
typedef struct FDB_database FDBDatabase;
typedef struct FDB_transaction FDBTransaction;

typedef void (*FDBCallback)(FDBFuture* future, void* callback_parameter);

/* The bindings step through arrays of these with fixed strides (12 and 24
 * bytes), so the layout is kept packed to 4 bytes as in the real header. */
#pragma pack(push, 4)
typedef struct {
	const uint8_t* key;
	int key_length;
} FDBKey;

typedef struct {
	const uint8_t* key;
	int key_length;
	const uint8_t* value;
	int value_length;
} FDBKeyValue;
#pragma pack(pop)

typedef enum {
	FDB_NET_OPTION_TRACE_ENABLE = 30,
	FDB_NET_OPTION_EXTERNAL_CLIENT_DIRECTORY = 63
} FDBNetworkOption;

typedef enum {
	FDB_DB_OPTION_MAX_WATCHES = 20,
	FDB_DB_OPTION_TRANSACTION_TIMEOUT = 500
} FDBDatabaseOption;

typedef enum {
	FDB_TR_OPTION_READ_YOUR_WRITES_DISABLE = 51,
	FDB_TR_OPTION_TIMEOUT = 500,
	FDB_TR_OPTION_RETRY_LIMIT = 501,
	FDB_TR_OPTION_MAX_RETRY_DELAY = 502
} FDBTransactionOption;

typedef enum {
	FDB_STREAMING_MODE_WANT_ALL = -2,
	FDB_STREAMING_MODE_ITERATOR = -1,
	FDB_STREAMING_MODE_EXACT = 0
} FDBStreamingMode;

typedef enum {
	FDB_MUTATION_TYPE_ADD = 2,
	FDB_MUTATION_TYPE_BIT_AND = 6,
	FDB_MUTATION_TYPE_BIT_OR = 7,
	FDB_MUTATION_TYPE_BIT_XOR = 8,
	FDB_MUTATION_TYPE_APPEND_IF_FITS = 9,
	FDB_MUTATION_TYPE_MAX = 12,
	FDB_MUTATION_TYPE_MIN = 13,
	FDB_MUTATION_TYPE_SET_VERSIONSTAMPED_KEY = 14,
	FDB_MUTATION_TYPE_SET_VERSIONSTAMPED_VALUE = 15,
	FDB_MUTATION_TYPE_BYTE_MIN = 16,
	FDB_MUTATION_TYPE_BYTE_MAX = 17,
	FDB_MUTATION_TYPE_COMPARE_AND_CLEAR = 20
} FDBMutationType;

typedef enum {
	FDB_CONFLICT_RANGE_TYPE_READ = 0,
	FDB_CONFLICT_RANGE_TYPE_WRITE = 1
} FDBConflictRangeType;

/* Library, API version and network. */
const char* fdb_get_error(fdb_error_t code);
fdb_error_t fdb_select_api_version_impl(int runtime_version, int header_version);
int fdb_get_max_api_version(void);
fdb_error_t fdb_network_set_option(FDBNetworkOption option, uint8_t const* value,
                                   int value_length);
fdb_error_t fdb_setup_network(void);
fdb_error_t fdb_run_network(void);

/* Futures. */
void fdb_future_cancel(FDBFuture* f);
void fdb_future_release_memory(FDBFuture* f);
void fdb_future_destroy(FDBFuture* f);
fdb_bool_t fdb_future_is_ready(FDBFuture* f);
fdb_error_t fdb_future_set_callback(FDBFuture* f, FDBCallback callback,
                                    void* callback_parameter);
fdb_error_t fdb_future_get_error(FDBFuture* f);
fdb_error_t fdb_future_get_int64(FDBFuture* f, int64_t* out);
fdb_error_t fdb_future_get_key(FDBFuture* f, uint8_t const** out_key, int* out_key_length);
fdb_error_t fdb_future_get_value(FDBFuture* f, fdb_bool_t* out_present,
                                 uint8_t const** out_value, int* out_value_length);
fdb_error_t fdb_future_get_keyvalue_array(FDBFuture* f, FDBKeyValue const** out_kv,
                                          int* out_count, fdb_bool_t* out_more);
fdb_error_t fdb_future_get_key_array(FDBFuture* f, FDBKey const** out_key_array,
                                     int* out_count);
fdb_error_t fdb_future_get_string_array(FDBFuture* f, const char*** out_strings,
                                        int* out_count);

/* Databases. */
fdb_error_t fdb_create_database(const char* cluster_file_path, FDBDatabase** out_database);
fdb_error_t fdb_create_database_from_connection_string(const char* connection_string,
                                                       FDBDatabase** out_database);
void fdb_database_destroy(FDBDatabase* d);
fdb_error_t fdb_database_set_option(FDBDatabase* d, FDBDatabaseOption option,
                                    uint8_t const* value, int value_length);
fdb_error_t fdb_database_create_transaction(FDBDatabase* d,
                                            FDBTransaction** out_transaction);
FDBFuture* fdb_database_reboot_worker(FDBDatabase* db, uint8_t const* address,
                                      int address_length, fdb_bool_t check, int duration);

/* Transactions. */
void fdb_transaction_destroy(FDBTransaction* tr);
void fdb_transaction_cancel(FDBTransaction* tr);
void fdb_transaction_reset(FDBTransaction* tr);
fdb_error_t fdb_transaction_set_option(FDBTransaction* tr, FDBTransactionOption option,
                                       uint8_t const* value, int value_length);
void fdb_transaction_set_read_version(FDBTransaction* tr, int64_t version);
FDBFuture* fdb_transaction_get_read_version(FDBTransaction* tr);
FDBFuture* fdb_transaction_get(FDBTransaction* tr, uint8_t const* key_name,
                               int key_name_length, fdb_bool_t snapshot);
FDBFuture* fdb_transaction_get_key(FDBTransaction* tr, uint8_t const* key_name,
                                   int key_name_length, fdb_bool_t or_equal, int offset,
                                   fdb_bool_t snapshot);
FDBFuture* fdb_transaction_get_addresses_for_key(FDBTransaction* tr,
                                                 uint8_t const* key_name,
                                                 int key_name_length);
FDBFuture* fdb_transaction_get_range(FDBTransaction* tr, uint8_t const* begin_key_name,
                                     int begin_key_name_length, fdb_bool_t begin_or_equal,
                                     int begin_offset, uint8_t const* end_key_name,
                                     int end_key_name_length, fdb_bool_t end_or_equal,
                                     int end_offset, int limit, int target_bytes,
                                     FDBStreamingMode mode, int iteration,
                                     fdb_bool_t snapshot, fdb_bool_t reverse);
FDBFuture* fdb_transaction_get_estimated_range_size_bytes(FDBTransaction* tr,
                                                          uint8_t const* begin_key_name,
                                                          int begin_key_name_length,
                                                          uint8_t const* end_key_name,
                                                          int end_key_name_length);
FDBFuture* fdb_transaction_get_range_split_points(FDBTransaction* tr,
                                                  uint8_t const* begin_key_name,
                                                  int begin_key_name_length,
                                                  uint8_t const* end_key_name,
                                                  int end_key_name_length,
                                                  int64_t chunk_size);
void fdb_transaction_set(FDBTransaction* tr, uint8_t const* key_name, int key_name_length,
                         uint8_t const* value, int value_length);
void fdb_transaction_atomic_op(FDBTransaction* tr, uint8_t const* key_name,
                               int key_name_length, uint8_t const* param, int param_length,
                               FDBMutationType operation_type);
void fdb_transaction_clear(FDBTransaction* tr, uint8_t const* key_name, int key_name_length);
void fdb_transaction_clear_range(FDBTransaction* tr, uint8_t const* begin_key_name,
                                 int begin_key_name_length, uint8_t const* end_key_name,
                                 int end_key_name_length);
FDBFuture* fdb_transaction_watch(FDBTransaction* tr, uint8_t const* key_name,
                                 int key_name_length);
FDBFuture* fdb_transaction_commit(FDBTransaction* tr);
fdb_error_t fdb_transaction_get_committed_version(FDBTransaction* tr, int64_t* out_version);
FDBFuture* fdb_transaction_get_approximate_size(FDBTransaction* tr);
FDBFuture* fdb_transaction_get_versionstamp(FDBTransaction* tr);
FDBFuture* fdb_transaction_on_error(FDBTransaction* tr, fdb_error_t error);
fdb_error_t fdb_transaction_add_conflict_range(FDBTransaction* tr,
                                               uint8_t const* begin_key_name,
                                               int begin_key_name_length,
                                               uint8_t const* end_key_name,
                                               int end_key_name_length,
                                               FDBConflictRangeType type);

#ifdef __cplusplus
}
#endif

#endif /* FDBELECT_TYPECHECK_FDB_C_H */
