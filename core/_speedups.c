/* Compiled hashing for verify's hot path: keccak-256 and the EIP-712 struct hash of our field types.
 *
 * Only encodings and hashes live here; every rule stays in Python.  hash_struct takes a "plan" that
 * core/eip712.py compiles once per struct type, and answers None whenever a value is not in the one
 * spelling the ledger stores (an int for a uint, "0x" and exactly the right number of hex digits for an
 * address or bytesN, text for a string, true/false for a bool, a dict for a struct): the Python
 * encoder then decides, and raises its own sentence for what is wrong.  So this file never refuses
 * anything and never accepts anything the Python path would refuse; tests/core/test_speedups.py checks
 * both paths give the same bytes for random messages of every kind.
 *
 * Keccak-f[1600] is written from the Keccak reference (FIPS 202 section 3, with the original Keccak
 * padding 0x01 ... 0x80 that Ethereum uses).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define RATE 136 /* keccak-256: 1600 - 2 * 256 bits of capacity, in bytes */

/* The round constants RC[i] (FIPS 202 algorithm 6, from the LFSR rc(t) over x^8 + x^6 + x^5 + x^4 + 1),
 * the rotation offsets of rho (algorithm 2: lane (x, y) starting at (1, 0), offset (t + 1)(t + 2) / 2
 * mod 64, then (x, y) <- (y, 2x + 3y mod 5)) and the lane each lane moves to in pi ((x, y) -> (y, 2x + 3y)),
 * lane (x, y) at index x + 5y.  Computed from those definitions and written out here so the compiler
 * unrolls the rounds with constant rotations; tests compare every digest with pysha3's. */
static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const unsigned ROT[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                 25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
static const unsigned PI[25] = {0, 10, 20, 5, 15, 16, 1, 11, 21, 6, 7, 17, 2, 12, 22, 23, 8, 18, 3, 13, 14, 24, 9, 19, 4};

static inline uint64_t rotl(uint64_t v, unsigned n) { return n ? (v << n) | (v >> (64 - n)) : v; }

static void keccak_f(uint64_t a[25]) {
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
#pragma GCC unroll 5
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
        for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1); /* theta */
#pragma GCC unroll 25
        for (int i = 0; i < 25; i++) b[PI[i]] = rotl(a[i] ^ d[i % 5], ROT[i]); /* rho and pi */
#pragma GCC unroll 25
        for (int i = 0; i < 25; i++) /* chi */
            a[i] = b[i] ^ (~b[(i % 5 + 1) % 5 + i / 5 * 5] & b[(i % 5 + 2) % 5 + i / 5 * 5]);
        a[0] ^= RC[round]; /* iota */
    }
}

typedef struct {
    uint64_t state[25];
    size_t used; /* bytes of the current block absorbed so far */
} Sponge;

static void sponge_init(Sponge *s) {
    memset(s->state, 0, sizeof s->state);
    s->used = 0;
}

static void absorb_byte(Sponge *s, uint8_t byte) {
    s->state[s->used / 8] ^= (uint64_t)byte << (8 * (s->used % 8)); /* lanes are little-endian */
    if (++s->used == RATE) {
        keccak_f(s->state);
        s->used = 0;
    }
}

static void absorb(Sponge *s, const uint8_t *data, size_t length) {
    while (length && s->used % 8) { /* to a lane boundary */
        absorb_byte(s, *data++);
        length--;
    }
    while (length >= 8) {
        uint64_t lane = 0;
        for (int i = 7; i >= 0; i--) lane = (lane << 8) | data[i];
        s->state[s->used / 8] ^= lane;
        s->used += 8;
        data += 8;
        length -= 8;
        if (s->used == RATE) {
            keccak_f(s->state);
            s->used = 0;
        }
    }
    while (length--) absorb_byte(s, *data++);
}

static void squeeze32(Sponge *s, uint8_t out[32]) {
    s->state[s->used / 8] ^= (uint64_t)0x01 << (8 * (s->used % 8));
    s->state[(RATE - 1) / 8] ^= (uint64_t)0x80 << (8 * ((RATE - 1) % 8));
    keccak_f(s->state);
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(s->state[i / 8] >> (8 * (i % 8)));
}

static void keccak256(const uint8_t *data, size_t length, uint8_t out[32]) {
    Sponge s;
    sponge_init(&s);
    absorb(&s, data, length);
    squeeze32(&s, out);
}

/* -- EIP-712 ------------------------------------------------------------------------------------- */
enum { STRING = 1, ADDRESS = 2, BOOL = 3, UINT = 4, BYTES_N = 5, STRUCT = 6 };

static int hex_value(int ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* "0x" and exactly 2 * size hex digits, as bytes; 0 when the value is spelled any other way. */
static int fixed_hex(PyObject *value, uint8_t *out, Py_ssize_t size) {
    if (!PyUnicode_CheckExact(value) || !PyUnicode_IS_ASCII(value) || PyUnicode_GET_LENGTH(value) != 2 + 2 * size)
        return 0;
    const char *text = (const char *)PyUnicode_DATA(value);
    if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        int hi = hex_value(text[2 + 2 * i]), lo = hex_value(text[3 + 2 * i]);
        if (hi < 0 || lo < 0) return 0;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

/* The 32-byte word of one field; 1 when done, 0 when the Python encoder must decide, -1 on an error set. */
static int encode_struct(PyObject *plan, PyObject *data, uint8_t out[32]);

static int encode_field(int code, PyObject *arg, PyObject *value, uint8_t word[32]) {
    memset(word, 0, 32);
    switch (code) {
    case STRING: {
        if (!PyUnicode_CheckExact(value)) return 0;
        Py_ssize_t length;
        const char *utf8 = PyUnicode_AsUTF8AndSize(value, &length);
        if (utf8 == NULL) { /* a lone surrogate: Python's encode("utf-8") says what is wrong */
            PyErr_Clear();
            return 0;
        }
        keccak256((const uint8_t *)utf8, (size_t)length, word);
        return 1;
    }
    case ADDRESS:
        return fixed_hex(value, word + 12, 20);
    case BOOL:
        if (value != Py_True && value != Py_False) return 0;
        word[31] = value == Py_True;
        return 1;
    case UINT: {
        if (!PyLong_CheckExact(value)) return 0; /* bool is a subclass, not exactly int */
        int overflow = 0;
        long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (number == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        long bits = PyLong_AsLong(arg);
        if (overflow || number < 0 || (bits < 64 && (unsigned long long)number >> bits)) return 0;
        for (int i = 0; i < 8; i++) word[31 - i] = (uint8_t)((unsigned long long)number >> (8 * i));
        return 1; /* numbers of 2**63 and more take the Python path */
    }
    case BYTES_N:
        return fixed_hex(value, word, PyLong_AsSsize_t(arg));
    case STRUCT:
        return encode_struct(arg, value, word);
    }
    return 0;
}

/* plan: (type_hash: bytes of 32, fields: tuple of (name: str, code: int, arg)) */
static int encode_struct(PyObject *plan, PyObject *data, uint8_t out[32]) {
    if (!PyDict_CheckExact(data)) return 0;
    PyObject *type_hash = PyTuple_GET_ITEM(plan, 0), *fields = PyTuple_GET_ITEM(plan, 1);
    Sponge sponge;
    sponge_init(&sponge);
    absorb(&sponge, (const uint8_t *)PyBytes_AS_STRING(type_hash), 32);
    Py_ssize_t count = PyTuple_GET_SIZE(fields);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *field = PyTuple_GET_ITEM(fields, i);
        PyObject *value = PyDict_GetItemWithError(data, PyTuple_GET_ITEM(field, 0)); /* borrowed */
        if (value == NULL) {
            if (PyErr_Occurred()) return -1;
            return 0; /* a missing field: the Python encoder names it */
        }
        uint8_t word[32];
        int done = encode_field((int)PyLong_AsLong(PyTuple_GET_ITEM(field, 1)), PyTuple_GET_ITEM(field, 2), value, word);
        if (done != 1) return done;
        absorb(&sponge, word, 32);
    }
    squeeze32(&sponge, out);
    return 1;
}

static int valid_plan(PyObject *plan) {
    if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != 2) return 0;
    PyObject *type_hash = PyTuple_GET_ITEM(plan, 0), *fields = PyTuple_GET_ITEM(plan, 1);
    if (!PyBytes_CheckExact(type_hash) || PyBytes_GET_SIZE(type_hash) != 32 || !PyTuple_CheckExact(fields)) return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        PyObject *field = PyTuple_GET_ITEM(fields, i);
        if (!PyTuple_CheckExact(field) || PyTuple_GET_SIZE(field) != 3 || !PyUnicode_CheckExact(PyTuple_GET_ITEM(field, 0))
            || !PyLong_CheckExact(PyTuple_GET_ITEM(field, 1)))
            return 0;
        long code = PyLong_AsLong(PyTuple_GET_ITEM(field, 1));
        PyObject *arg = PyTuple_GET_ITEM(field, 2);
        if (code == STRUCT ? !valid_plan(arg)
            : (code == UINT || code == BYTES_N) ? !PyLong_CheckExact(arg)
            : (code < STRING || code > STRUCT))
            return 0;
        if (code == UINT && (PyLong_AsLong(arg) < 8 || PyLong_AsLong(arg) > 256)) return 0;
        if (code == BYTES_N && (PyLong_AsLong(arg) < 1 || PyLong_AsLong(arg) > 32)) return 0;
    }
    return 1;
}

static PyObject *py_keccak256(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    uint8_t out[32];
    keccak256((const uint8_t *)view.buf, (size_t)view.len, out);
    PyBuffer_Release(&view);
    return PyBytes_FromStringAndSize((const char *)out, 32);
}

/* hash_struct(plan, data, separator=None): hashStruct(data), or with a 32-byte domain separator the
 * signing digest keccak(0x19 0x01 || separator || hashStruct(data)); None for the Python path. */
static PyObject *py_hash_struct(PyObject *self, PyObject *args) {
    PyObject *plan, *data, *separator = Py_None;
    if (!PyArg_ParseTuple(args, "OO|O:hash_struct", &plan, &data, &separator)) return NULL;
    if (!valid_plan(plan)) {
        PyErr_SetString(PyExc_ValueError, "not a plan made by core.eip712");
        return NULL;
    }
    if (separator != Py_None && (!PyBytes_CheckExact(separator) || PyBytes_GET_SIZE(separator) != 32)) {
        PyErr_SetString(PyExc_ValueError, "a domain separator is 32 bytes");
        return NULL;
    }
    uint8_t digest[32];
    int done = encode_struct(plan, data, digest);
    if (done < 0) return NULL;
    if (done == 0) Py_RETURN_NONE;
    if (separator != Py_None) {
        uint8_t message[66] = {0x19, 0x01};
        memcpy(message + 2, PyBytes_AS_STRING(separator), 32);
        memcpy(message + 34, digest, 32);
        keccak256(message, sizeof message, digest);
    }
    return PyBytes_FromStringAndSize((const char *)digest, 32);
}

static PyMethodDef methods[] = {
    {"keccak256", py_keccak256, METH_O, "keccak256(data) -> the 32-byte keccak-256 digest"},
    {"hash_struct", py_hash_struct, METH_VARARGS, "hash_struct(plan, data, separator=None) -> 32 bytes or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "core._speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void) {
    return PyModule_Create(&module);
}
