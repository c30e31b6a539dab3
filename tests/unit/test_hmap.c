/* test_hmap.c - the shared hash table: pointer, string and composite keys,
 * growth, insertion order, and stable entry numbers. */
#include "../../generator/hmap.c"
#include "unit.h"

typedef struct pent {
    const void *key;
    int val;
} pent;

typedef struct sent {
    char *key;
    int val;
} sent;

static void hmap_should_find_every_pointer_after_growing(void)
{
    enum { N = 5000 };
    static int things[N];
    mg_hmap h;
    mg_hmap_init(&h, sizeof(pent));
    CHECK(mg_hmap_get_ptr(&h, &things[0]) == NULL);
    for (int i = 0; i < N; i++) {
        int added = 0;
        pent *e = mg_hmap_put_ptr(&h, &things[i], &added);
        CHECK(added);
        e->val = i;
    }
    CHECK_INT(mg_hmap_len(&h), N);
    int misses = 0;
    for (int i = 0; i < N; i++) {
        pent *e = mg_hmap_get_ptr(&h, &things[i]);
        if (!e || e->val != i || e->key != &things[i])
            misses++;
    }
    CHECK_INT(misses, 0);
    int added = 1;
    pent *again = mg_hmap_put_ptr(&h, &things[7], &added);
    CHECK(!added);
    CHECK_INT(again->val, 7);
    CHECK_INT(mg_hmap_len(&h), N);
    /* The probe array stays at most half full. */
    CHECK(h.cap >= 2 * h.len);
    mg_hmap_fini(&h);
}

static void hmap_should_copy_and_free_string_keys(void)
{
    mg_hmap h;
    mg_hmap_init_str(&h, sizeof(sent));
    char key[32];
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "k%d", i);
        sent *e = mg_hmap_put_str(&h, key, NULL);
        e->val = i;
    }
    strcpy(key, "k12");
    sent *e = mg_hmap_get_str(&h, key);
    key[0] = 'x'; /* the table holds its own copy */
    CHECK(e && e->val == 12);
    CHECK(mg_hmap_get_str(&h, "k12") == e);
    CHECK(mg_hmap_get_str(&h, "k300") == NULL);
    CHECK(mg_hmap_get_str(&h, "") == NULL);
    mg_hmap_fini(&h); /* frees the 300 copies: ASan's leak check sees it */
    CHECK_INT(mg_hmap_len(&h), 0);
}

static void hmap_should_iterate_in_insertion_order_with_stable_numbers(void)
{
    mg_hmap h;
    mg_hmap_init_str(&h, sizeof(sent));
    const char *names[] = {"zeta", "alpha", "mu", "beta", "omega"};
    size_t first = mg_hmap_index(&h, mg_hmap_put_str(&h, names[0], NULL));
    for (int i = 1; i < 5; i++)
        mg_hmap_put_str(&h, names[i], NULL);
    for (int i = 0; i < 100; i++) { /* grow past the first allocation */
        char k[16];
        snprintf(k, sizeof k, "#%d", i);
        mg_hmap_put_str(&h, k, NULL);
    }
    for (size_t i = 0; i < 5; i++)
        CHECK_STR(((sent *)mg_hmap_at(&h, i))->key, names[i]);
    CHECK_INT(first, 0);
    CHECK(mg_hmap_at(&h, first) == mg_hmap_get_str(&h, "zeta"));
    mg_hmap_fini(&h);
}

typedef struct pair_key {
    int a, b;
} pair_key;

static int pair_eq(const void *ent, const void *key)
{
    return memcmp(ent, key, sizeof(pair_key)) == 0;
}

static void hmap_should_take_caller_hashed_keys_even_when_hashes_collide(void)
{
    mg_hmap h;
    mg_hmap_init(&h, sizeof(pair_key));
    for (int i = 0; i < 50; i++) {
        pair_key *e = mg_hmap_add(&h, 42u); /* every entry in one probe run */
        e->a = i;
        e->b = -i;
    }
    pair_key k = {31, -31}, absent = {31, 31};
    pair_key *e = mg_hmap_find(&h, 42u, pair_eq, &k);
    CHECK(e && e->a == 31);
    CHECK(mg_hmap_find(&h, 42u, pair_eq, &absent) == NULL);
    CHECK(mg_hmap_find(&h, 43u, pair_eq, &k) == NULL);
    mg_hmap_fini(&h);
}

static void hash_should_depend_on_the_seed_and_every_byte(void)
{
    CHECK(mg_hash_str("ab") != mg_hash_str("ba"));
    CHECK(mg_hash_str_seed(1, "ab") != mg_hash_str_seed(2, "ab"));
    CHECK(mg_hash_str("ab") == mg_hash_str_seed(0, "ab"));
    int x, y;
    CHECK(mg_hash_ptr(&x) != mg_hash_ptr(&y));
}

/* The template engine indexes keys with mg_hash_str and looks up (name, length)
 * slices of a tag with mg_hash_mem_seed: the two must agree. */
static void hash_of_bytes_should_equal_hash_of_the_same_string(void)
{
    static const char *const words[] = {"", "a", "required_fields", "is_string", "catalogue.name.snake"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        CHECK_INT(mg_hash_mem_seed(0, words[i], strlen(words[i])), mg_hash_str(words[i]));
        CHECK_INT(mg_hash_mem_seed(7, words[i], strlen(words[i])), mg_hash_str_seed(7, words[i]));
    }
    CHECK_INT(mg_hash_mem_seed(0, "name.snake", 4), mg_hash_str("name"));
    CHECK(mg_hash_mem_seed(0, "name.snake", 5) != mg_hash_str("name"));
}

static void hmap_should_keep_every_entry_when_shrunk_and_grow_again(void)
{
    enum { N = 1500 };
    static int things[2 * N];
    mg_hmap h;
    mg_hmap_init(&h, sizeof(pent));
    mg_hmap_shrink(&h); /* empty: nothing to give back */
    CHECK(h.entcap == 0 && h.ents == NULL);
    for (int i = 0; i < N; i++)
        ((pent *)mg_hmap_put_ptr(&h, &things[i], NULL))->val = i;
    CHECK(h.entcap > N);
    mg_hmap_shrink(&h);
    CHECK_INT(h.entcap, N);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        const pent *e = mg_hmap_get_ptr(&h, &things[i]);
        bad += !e || e->val != i || mg_hmap_index(&h, e) != (size_t)i;
    }
    for (int i = N; i < 2 * N; i++)
        ((pent *)mg_hmap_put_ptr(&h, &things[i], NULL))->val = i;
    for (int i = 0; i < 2 * N; i++) {
        const pent *e = mg_hmap_get_ptr(&h, &things[i]);
        bad += !e || e->val != i;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(mg_hmap_len(&h), 2 * N);
    mg_hmap_fini(&h);
}

static void hmap_should_keep_every_entry_when_reserved_before_and_after_adding(void)
{
    enum { N = 1000 };
    static int things[3 * N];
    mg_hmap h;
    mg_hmap_init(&h, sizeof(pent));
    mg_hmap_reserve(&h, N);
    CHECK(h.entcap == N && h.cap >= 2 * N);
    uint32_t *slots = h.slots;
    for (int i = 0; i < N; i++)
        ((pent *)mg_hmap_put_ptr(&h, &things[i], NULL))->val = i;
    CHECK(h.slots == slots && h.entcap == N); /* no growing up to the reserved room */
    mg_hmap_reserve(&h, 3 * N); /* with entries: they are placed again */
    slots = h.slots;
    for (int i = N; i < 3 * N; i++)
        ((pent *)mg_hmap_put_ptr(&h, &things[i], NULL))->val = i;
    CHECK(h.slots == slots); /* nothing grown since, that would place them again */
    int bad = 0;
    for (int i = 0; i < 3 * N; i++) {
        const pent *e = mg_hmap_get_ptr(&h, &things[i]);
        bad += !e || e->val != i || mg_hmap_index(&h, e) != (size_t)i;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(mg_hmap_len(&h), 3 * N);
    mg_hmap_fini(&h);
}

/* mg_hash_words as its comment defines it (whole words, then the 1 to 7
 * last bytes zero-padded in one word): the hash the generated C runtime
 * computes too (templates/c), so a faster tail must not change a value. */
static uint32_t words_reference(uint32_t seed, const void *p, size_t n)
{
    const char *s = p;
    uint64_t h = (0x9E3779B97F4A7C15ULL ^ seed) + n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    if (n) {
        uint64_t w = 0;
        for (size_t i = 0; i < n; i++)
            ((unsigned char *)&w)[i] = (unsigned char)s[i];
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    }
    h ^= h >> 32;
    return (uint32_t)h;
}

static void hash_words_should_equal_its_definition_and_count_every_tail_byte(void)
{
    char buf[80];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 37 + 11);
    int bad = 0, blind = 0;
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= 64; n++) {
            uint32_t h = mg_hash_words(5, buf + off, n);
            bad += h != words_reference(5, buf + off, n);
            for (size_t k = 0; k < n; k++) {
                buf[off + k] ^= 0x40;
                blind += mg_hash_words(5, buf + off, n) == h;
                buf[off + k] ^= 0x40;
            }
        }
    CHECK_INT(bad, 0);
    CHECK_INT(blind, 0);
}

int main(void)
{
    RUN(hmap_should_find_every_pointer_after_growing);
    RUN(hash_of_bytes_should_equal_hash_of_the_same_string);
    RUN(hmap_should_copy_and_free_string_keys);
    RUN(hmap_should_iterate_in_insertion_order_with_stable_numbers);
    RUN(hmap_should_take_caller_hashed_keys_even_when_hashes_collide);
    RUN(hash_should_depend_on_the_seed_and_every_byte);
    RUN(hmap_should_keep_every_entry_when_shrunk_and_grow_again);
    RUN(hmap_should_keep_every_entry_when_reserved_before_and_after_adding);
    RUN(hash_words_should_equal_its_definition_and_count_every_tail_byte);
    return unit_done();
}
