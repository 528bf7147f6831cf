#include "gmm_support.h"
#include "dynamic_library.h"
#include <pthread.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

/* The parts of zlib's ABI used here (zlib.h, stable since 1.2): z_stream and the entry points. */
typedef struct gmm_z_stream {
    const unsigned char *next_in;
    unsigned int avail_in;
    unsigned long total_in;
    unsigned char *next_out;
    unsigned int avail_out;
    unsigned long total_out;
    const char *msg;
    void *state;
    void *zalloc;
    void *zfree;
    void *opaque;
    int data_type;
    unsigned long adler;
    unsigned long reserved;
} gmm_z_stream;

typedef const char *(*zlib_version_fn)(void);
typedef int (*inflate_init2_fn)(gmm_z_stream *, int, const char *, int);
typedef int (*inflate_fn)(gmm_z_stream *, int);
typedef int (*inflate_end_fn)(gmm_z_stream *);
typedef int (*deflate_init2_fn)(gmm_z_stream *, int, int, int, int, int, const char *, int);
typedef int (*deflate_fn)(gmm_z_stream *, int);
typedef int (*deflate_end_fn)(gmm_z_stream *);
typedef unsigned long (*deflate_bound_fn)(gmm_z_stream *, unsigned long);
typedef unsigned long (*crc32_fn)(unsigned long, const unsigned char *, unsigned int);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static zlib_version_fn p_version;
static inflate_init2_fn p_inflate_init2;
static inflate_fn p_inflate;
static inflate_end_fn p_inflate_end;
static deflate_init2_fn p_deflate_init2;
static deflate_fn p_deflate;
static deflate_end_fn p_deflate_end;
static deflate_bound_fn p_deflate_bound;
static crc32_fn p_crc32;

int gmm_zlib_load(char *error, size_t error_length) {
    pthread_mutex_lock(&lock);
    if (loaded) { pthread_mutex_unlock(&lock); return 0; }
    static const char *const names[] = {"libz.so.1", "libz.so", NULL};
    void *lib = gmm_open_first(names, error, error_length);
    int result = -1;
    if (lib) {
#define RESOLVE(var, type, name) var = (type)gmm_symbol(lib, name, error, error_length); if (!var) goto done;
        RESOLVE(p_version, zlib_version_fn, "zlibVersion")
        RESOLVE(p_inflate_init2, inflate_init2_fn, "inflateInit2_")
        RESOLVE(p_inflate, inflate_fn, "inflate")
        RESOLVE(p_inflate_end, inflate_end_fn, "inflateEnd")
        RESOLVE(p_deflate_init2, deflate_init2_fn, "deflateInit2_")
        RESOLVE(p_deflate, deflate_fn, "deflate")
        RESOLVE(p_deflate_end, deflate_end_fn, "deflateEnd")
        RESOLVE(p_deflate_bound, deflate_bound_fn, "deflateBound")
        RESOLVE(p_crc32, crc32_fn, "crc32")
#undef RESOLVE
        loaded = 1;
        result = 0;
    }
done:
    pthread_mutex_unlock(&lock);
    return result;
}

/* zlib's return codes */
#define Z_OK 0
#define Z_STREAM_END 1
#define Z_NO_FLUSH 0
#define Z_FINISH 4
#define Z_BUF_ERROR (-5)

static void copy_message(const char *msg, const char *fallback, char *error, size_t error_length) {
    if (error && error_length) snprintf(error, error_length, "%s", msg ? msg : fallback);
}

/* Runs an initialised stream over the whole input into a buffer of `capacity` bytes, grown as
   needed, and ends it. `step` is inflate or deflate; with `finish` (deflate) it is told Z_FINISH
   once all input is fed, else Z_NO_FLUSH, and a stream that stops short of its end with all
   input consumed is reported as truncated (inflate). `failure` names a zlib error. Sets
   `*consumed` (when not NULL) to the input bytes the stream used. Returns 0, or -1 with the
   message in `error`. */
/* The failure of a stream whose output passed its limit. */
static long long over_limit(unsigned char *buffer, gmm_z_stream *stream, int (*end)(gmm_z_stream *), size_t limit,
                            char *error, size_t error_length) {
    free(buffer);
    end(stream);
    char text[160];
    snprintf(text, sizeof text, "the data inflate to more than the %zu bytes declared", limit);
    copy_message(NULL, text, error, error_length);
    return -1;
}

static long long run_stream(gmm_z_stream *stream, int (*step)(gmm_z_stream *, int), int (*end)(gmm_z_stream *),
                            int finish, const char *failure, const unsigned char *input, size_t input_length,
                            size_t capacity, size_t limit, int prefix_only, unsigned char **output, size_t *output_length,
                            size_t *consumed, char *error, size_t error_length) {
    size_t used = 0, fed = 0;
    /* With a limit (not SIZE_MAX), the buffer never grows beyond limit + 1 bytes: one byte more than allowed
       is how an overlong stream is detected. With `prefix_only` it holds exactly `limit` bytes, and a stream
       that reaches them stops there without an error (its first `limit` bytes are the output). */
    int limited = limit != (size_t)-1;
    size_t most = prefix_only ? limit : limit + 1;
    if (limited && capacity > most) capacity = most;
    if (capacity == 0) capacity = 1;
    unsigned char *buffer = malloc(capacity);
    if (!buffer) { end(stream); copy_message(NULL, "out of memory", error, error_length); return -1; }
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (prefix_only && used >= limit) break;
        if (used == capacity) {
            if (limited && used > limit) return over_limit(buffer, stream, end, limit, error, error_length);
            size_t bigger = capacity * 2;
            if (limited && bigger > most) bigger = most;
            unsigned char *grown = realloc(buffer, bigger);
            if (!grown) { free(buffer); end(stream); copy_message(NULL, "out of memory", error, error_length); return -1; }
            buffer = grown; capacity = bigger;
        }
        if (stream->avail_in == 0 && fed < input_length) {
            size_t chunk = input_length - fed;
            if (chunk > (1u << 30)) chunk = 1u << 30;
            stream->next_in = input + fed; stream->avail_in = (unsigned int)chunk; fed += chunk;
        }
        size_t room = capacity - used;
        if (room > (1u << 30)) room = 1u << 30;
        stream->next_out = buffer + used; stream->avail_out = (unsigned int)room;
        status = step(stream, finish && fed == input_length ? Z_FINISH : Z_NO_FLUSH);
        used = room - stream->avail_out + used;
        if (!finish && status == Z_BUF_ERROR && stream->avail_in == 0 && fed == input_length) {
            free(buffer); end(stream);
            copy_message(NULL, "the compressed data end before the end of the stream (truncated)", error, error_length);
            return -1;
        }
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
            copy_message(stream->msg, failure, error, error_length);
            free(buffer); end(stream);
            return -1;
        }
    }
    if (limited && used > limit) return over_limit(buffer, stream, end, limit, error, error_length);
    if (consumed) *consumed = fed - stream->avail_in;
    end(stream);
    *output = buffer; *output_length = used;
    return 0;
}

long long gmm_zlib_inflate(const unsigned char *input, size_t input_length, int window_bits, size_t limit,
                           unsigned char **output, size_t *output_length, size_t *consumed,
                           char *error, size_t error_length) {
    *output = NULL; *output_length = 0; *consumed = 0;
    if (!loaded) { copy_message(NULL, "zlib is not loaded", error, error_length); return -1; }
    gmm_z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (p_inflate_init2(&stream, window_bits, p_version(), (int)sizeof stream) != Z_OK) {
        copy_message(stream.msg, "inflateInit2 failed", error, error_length);
        return -1;
    }
    return run_stream(&stream, p_inflate, p_inflate_end, 0, "invalid compressed data", input, input_length,
                      input_length * 4 + 1024, limit, 0, output, output_length, consumed, error, error_length);
}

long long gmm_zlib_inflate_prefix(const unsigned char *input, size_t input_length, int window_bits, size_t prefix,
                                  unsigned char **output, size_t *output_length, char *error, size_t error_length) {
    *output = NULL; *output_length = 0;
    if (!loaded) { copy_message(NULL, "zlib is not loaded", error, error_length); return -1; }
    gmm_z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (p_inflate_init2(&stream, window_bits, p_version(), (int)sizeof stream) != Z_OK) {
        copy_message(stream.msg, "inflateInit2 failed", error, error_length);
        return -1;
    }
    return run_stream(&stream, p_inflate, p_inflate_end, 0, "invalid compressed data", input, input_length,
                      prefix, prefix, 1, output, output_length, NULL, error, error_length);
}

long long gmm_zlib_deflate(const unsigned char *input, size_t input_length, int window_bits, int level,
                           unsigned char **output, size_t *output_length, char *error, size_t error_length) {
    *output = NULL; *output_length = 0;
    if (!loaded) { copy_message(NULL, "zlib is not loaded", error, error_length); return -1; }
    gmm_z_stream stream;
    memset(&stream, 0, sizeof stream);
    /* method 8 = Z_DEFLATED, memLevel 8, strategy 0 */
    if (p_deflate_init2(&stream, level, 8, window_bits, 8, 0, p_version(), (int)sizeof stream) != Z_OK) {
        copy_message(stream.msg, "deflateInit2 failed", error, error_length);
        return -1;
    }
    return run_stream(&stream, p_deflate, p_deflate_end, 1, "deflate failed", input, input_length,
                      input_length + input_length / 100 + 1024, (size_t)-1, 0, output, output_length, NULL, error, error_length);
}

unsigned int gmm_zlib_crc32(unsigned int crc, const unsigned char *data, size_t length) {
    unsigned long value = crc;
    while (length > 0) {
        unsigned int chunk = length > (1u << 30) ? (1u << 30) : (unsigned int)length;
        value = p_crc32(value, data, chunk);
        data += chunk; length -= chunk;
    }
    return (unsigned int)value;
}
