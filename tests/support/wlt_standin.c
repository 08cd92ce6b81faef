/* A stand-in for a vendor's WLT decoder, compiled by tests/integration/test_wlt_decoder.py.
 *
 * The "portrait" it decodes is a flat colour: the first three bytes of the WLT data (B, G, R).
 * The first byte also selects a failure, so one library exercises every path of the adapter:
 *   0xEE: refuse (return 0), 0xDD: crash (segmentation fault), 0xCC: hang (sleep 30 s).
 * Both calling conventions of the vendors' SDKs: unpack (buffer) and GetBmp (file).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define WIDTH 102
#define HEIGHT 126
#define STRIDE 308
#define BMP_SIZE (54 + STRIDE * HEIGHT)

static void put32(unsigned char *at, unsigned int value) {
    at[0] = value & 0xFF; at[1] = (value >> 8) & 0xFF;
    at[2] = (value >> 16) & 0xFF; at[3] = (value >> 24) & 0xFF;
}

static int fail_or_fill(const unsigned char *wlt, unsigned char *bmp) {
    if (wlt[0] == 0xEE) return 0;
    if (wlt[0] == 0xDD) { volatile int *nowhere = 0; *nowhere = 1; }
    if (wlt[0] == 0xCC) sleep(30);
    memset(bmp, 0, BMP_SIZE);
    bmp[0] = 'B'; bmp[1] = 'M';
    put32(bmp + 2, BMP_SIZE); put32(bmp + 10, 54); put32(bmp + 14, 40);
    put32(bmp + 18, WIDTH); put32(bmp + 22, HEIGHT);
    bmp[26] = 1; bmp[28] = 24; put32(bmp + 34, STRIDE * HEIGHT);
    for (int y = 0; y < HEIGHT; y++)
        for (int x = 0; x < WIDTH; x++)
            memcpy(bmp + 54 + y * STRIDE + x * 3, wlt, 3);
    return 1;
}

int unpack(char *wlt, char *bmp, int flag) {
    (void)flag;
    return fail_or_fill((const unsigned char *)wlt, (unsigned char *)bmp);
}

int GetBmp(char *path, int interface) {
    (void)interface;
    unsigned char wlt[1024], bmp[BMP_SIZE];
    char target[4096];
    FILE *in = fopen(path, "rb");
    if (!in) return -1;
    size_t got = fread(wlt, 1, sizeof wlt, in);
    fclose(in);
    if (got < 3) return -2;
    if (fail_or_fill(wlt, bmp) != 1) return 0;
    size_t length = strlen(path);
    if (length < 4 || length >= sizeof target) return -3;
    memcpy(target, path, length - 4);
    strcpy(target + length - 4, ".bmp");
    FILE *out = fopen(target, "wb");
    if (!out) return -4;
    fwrite(bmp, 1, BMP_SIZE, out);
    fclose(out);
    return 1;
}
