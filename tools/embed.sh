#!/bin/sh
# embed.sh - write an assembler file that carries the named files inside
# the binary, so that planner needs no data directory at run time.
#
# usage: tools/embed.sh FILE... > build/embed.S
# The table it defines is declared in planner/embed.h.  Each file is
# followed by a NUL byte, so text files can be used as C strings.
set -eu
printf '\t.section .rodata\n'
i=0
for f in "$@"; do
	printf '.Ld%d:\n\t.incbin "%s"\n.Le%d:\n\t.byte 0\n' "$i" "$f" "$i"
	printf '.Ln%d:\n\t.asciz "%s"\n' "$i" "$f"
	i=$((i + 1))
done
printf '\t.section .data.rel.ro\n\t.balign 8\n'
printf '\t.globl embedded_files\nembedded_files:\n'
i=0
for f in "$@"; do
	printf '\t.quad .Ln%d, .Ld%d, .Le%d - .Ld%d\n' "$i" "$i" "$i" "$i"
	i=$((i + 1))
done
printf '\t.quad 0, 0, 0\n'
printf '\t.section .note.GNU-stack,"",@progbits\n'
