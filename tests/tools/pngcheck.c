/*
 * tests/tools/pngcheck.c -- is a screenshot blank?  Reads an 8-bit RGB or
 * RGBA PNG (what Chromium writes), inflates and unfilters its pixels and
 * prints one line "WIDTH HEIGHT COLOURS INKED_PERMILLE": the distinct
 * colours seen (counted up to 4096) and how many pixels per thousand
 * differ from the top-left one.  Exit 1 with a message on stderr when the
 * file is not such a PNG.  Used by tests/browser/test_report.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static unsigned long be32(const unsigned char *p)
{
    return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
           ((unsigned long)p[2] << 8) | p[3];
}

static int fail(const char *path, const char *why)
{
    fprintf(stderr, "pngcheck: %s: %s\n", path, why);
    return 1;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc) return a;
    return pb <= pc ? b : c;
}

#define MAXC 4096

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pngcheck FILE.png\n");
        return 2;
    }
    const char *path = argv[1];
    FILE *f = fopen(path, "rb");
    if (!f) return fail(path, "cannot open");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 8) { fclose(f); return fail(path, "too short"); }
    unsigned char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); return fail(path, "cannot read"); }
    fclose(f);
    if (memcmp(buf, "\x89PNG\r\n\x1a\n", 8) != 0) return fail(path, "not a PNG");

    unsigned long w = 0, h = 0;
    int bpp = 0;
    unsigned char *z = malloc((size_t)n);
    size_t zn = 0;
    if (!z) return fail(path, "out of memory");
    for (long off = 8; off + 12 <= n;) {
        unsigned long len = be32(buf + off);
        const unsigned char *type = buf + off + 4, *data = buf + off + 8;
        if ((unsigned long)(n - off - 12) < len) return fail(path, "truncated chunk");
        if (memcmp(type, "IHDR", 4) == 0 && len >= 13) {
            w = be32(data);
            h = be32(data + 4);
            if (data[8] != 8 || data[12] != 0) return fail(path, "not 8-bit, or interlaced");
            if (data[9] == 2) bpp = 3;
            else if (data[9] == 6) bpp = 4;
            else return fail(path, "not RGB or RGBA");
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zn, data, len);
            zn += len;
        } else if (memcmp(type, "IEND", 4) == 0) {
            break;
        }
        off += (long)len + 12;
    }
    if (!bpp || !w || !h || w > 20000 || h > 20000) return fail(path, "no usable IHDR");
    size_t stride = (size_t)w * (size_t)bpp;
    uLongf rawn = (uLongf)((stride + 1) * h);
    unsigned char *raw = malloc(rawn);
    if (!raw) return fail(path, "out of memory");
    if (uncompress(raw, &rawn, z, (uLong)zn) != Z_OK || rawn != (stride + 1) * h)
        return fail(path, "bad pixel data");

    /* unfilter in place: row y's pixels start at raw + y*(stride+1) + 1 */
    for (unsigned long y = 0; y < h; y++) {
        unsigned char *row = raw + y * (stride + 1);
        unsigned char *px = row + 1;
        const unsigned char *up = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
        for (size_t i = 0; i < stride; i++) {
            int a = i >= (size_t)bpp ? px[i - bpp] : 0;
            int b = up ? up[i] : 0;
            int c = (up && i >= (size_t)bpp) ? up[i - bpp] : 0;
            switch (row[0]) {
            case 0: break;
            case 1: px[i] = (unsigned char)(px[i] + a); break;
            case 2: px[i] = (unsigned char)(px[i] + b); break;
            case 3: px[i] = (unsigned char)(px[i] + (a + b) / 2); break;
            case 4: px[i] = (unsigned char)(px[i] + paeth(a, b, c)); break;
            default: return fail(path, "bad filter type");
            }
        }
    }

    static unsigned long seen[MAXC];
    int colours = 0;
    unsigned long long inked = 0;
    const unsigned char *p0 = raw + 1;
    unsigned long bg = ((unsigned long)p0[0] << 16) | ((unsigned long)p0[1] << 8) | p0[2];
    for (unsigned long y = 0; y < h; y++) {
        const unsigned char *px = raw + y * (stride + 1) + 1;
        for (unsigned long x = 0; x < w; x++, px += bpp) {
            unsigned long c = ((unsigned long)px[0] << 16) | ((unsigned long)px[1] << 8) | px[2];
            if (c != bg) inked++;
            if (colours < MAXC) {
                int k;
                for (k = 0; k < colours && seen[k] != c; k++) {}
                if (k == colours) seen[colours++] = c;
            }
        }
    }
    printf("%lu %lu %d %llu\n", w, h, colours, inked * 1000 / ((unsigned long long)w * h));
    free(raw);
    free(z);
    free(buf);
    return 0;
}
