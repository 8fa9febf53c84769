/* wordfreq: counts the words of its arguments and prints each distinct word with its count. */
#include <stdio.h>
#include <string.h>

#define MAX 64

int main(int argc, char **argv) {
    char *words[MAX];
    int counts[MAX], n = 0;
    for (int a = 1; a < argc; a++) {
        for (char *w = strtok(argv[a], " "); w; w = strtok(NULL, " ")) {
            int i = 0;
            while (i < n && strcmp(words[i], w) != 0) i++;
            if (i == n && n < MAX) { words[n] = w; counts[n++] = 0; }
            if (i < n) counts[i]++;
        }
    }
    for (int i = 0; i < n; i++) printf("%s %d\n", words[i], counts[i]);
    return 0;
}
