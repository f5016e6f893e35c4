#include <stdio.h>

int main(void)
{
    puts("hotpath: under construction");
    return 0;
}
