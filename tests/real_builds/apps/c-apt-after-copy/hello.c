/* hello: prints a greeting. */
#include <stdio.h>

int main(void) {
    puts("hello from C, compiled in the image");
    return 0;
}
