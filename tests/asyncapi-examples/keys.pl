#!/usr/bin/perl
# keys.pl - the cache keys of asyncapi-examples' checks (run.sh), every
# document's in one process instead of a find|sort|xargs sha256sum|sha256sum
# pipeline per document and language (process starts are dear here).
#
#   keys.pl dirs ID DIR...
#       one line per DIR: the key `result_key ID DIR` (tests/lib.sh) gives,
#       byte for byte (every file under DIR but __pycache__, names and bytes).
#   keys.pl c ID SYMS DIR...
#       one line "DIR/FILE KEY" per .c file of each DIR (a generated C
#       folder): the key of `gcc -fsyntax-only FILE` in DIR, where ID is the
#       compiler, its flags and the library versions, and SYMS is the
#       preprocessed text (gcc -E -dD) of every system header the files include.
#   keys.pl mv FROM TO [FROM TO]...
#       renames (a folder moved into the checkers' tree instead of copied).
#
# A C key covers the file and every header of DIR it includes (#include
# "...", followed, an absent one named as absent), in that order, with the
# catalogue prefix set aside: the generated C of two documents differs mostly
# in the prefix (NAME_, NAMEU_, and NAME in strings), so one document's
# runtime or adapter that compiled clean vouches for another's whose text is
# the same but for the prefix. gcc's verdict does not change when every
# prefix-derived identifier is renamed consistently, provided that no such
# identifier is also a name the compiler knows otherwise, and that the
# lengths stay the same (string lengths decide some warnings). So the key
# names the prefix length, the prefix is set aside only when no identifier
# of the system headers (SYMS: declarations and macros, predefined ones
# included) nor a C keyword is the prefix or starts with it and '_' (in
# either case), and only when the text has no '@PFX' of its own (the
# placeholder: the normalised text then gives back the original, given the
# prefix). Otherwise the key names the prefix itself. The opening comment
# (the catalogue's name, which differs) is left out when it is a plain
# /* ... */ block: no '??' (a trigraph) nor backslash, which could end it
# elsewhere.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);

sub slurp { my ($f) = @_; open(my $h, '<', $f) or die "$f: $!\n"; binmode $h; local $/; my $t = <$h>; close $h; return $t // ''; }

# result_key ID DIR of tests/lib.sh: sha256 of "ID\n== 1\n" and the
# "HASH  ./NAME" line of every file (names in byte order), first 32 digits.
sub files_under {
    my ($root, $rel, $out) = @_;
    opendir(my $d, "$root/$rel") or die "$root/$rel: $!\n";
    for my $e (readdir $d) {
        next if $e eq '.' || $e eq '..' || $e eq '__pycache__';   # (pruned, as find -prune)
        my $r = "$rel/$e";
        if (-l "$root/$r") { push @$out, $r if -f "$root/$r"; next; }   # (find -type f: not a link)
        if (-d _) { files_under($root, $r, $out); next; }
        push @$out, $r if -f _;
    }
    closedir $d;
}
sub dir_key {
    my ($id, $dir) = @_;
    my @f; files_under($dir, '.', \@f);
    my $s = "$id\n== 1\n";
    $s .= sha256_hex(slurp("$dir/$_")) . "  $_\n" for sort @f;
    return substr(sha256_hex($s), 0, 32);
}

my @KEYWORDS = qw(auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed sizeof static
    struct switch typedef union unsigned void volatile while _Alignas _Alignof _Atomic
    _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local);

sub c_keys {
    my ($id, $syms_file, @dirs) = @_;
    # Names the compiler knows besides the generated ones: C keywords, and
    # every identifier of SYMS and of the raw text of every header it went
    # through (all branches: more than a build sees), each also as its stems
    # (pthread_mutex_t: pthread, pthread_mutex), so that a prefix p is unsafe
    # when it is such a name or such a stem (a name starting with p_).
    # (An identifier there is a run of [A-Za-z0-9_] less its leading
    # digits; q is such a name or stem when it starts one and is followed by
    # '_' or by the run's end: one search per prefix, not a set of the
    # 45 000 names and their stems.)
    my $syms = slurp($syms_file);
    my %hdr = map { $_ => 1 } $syms =~ /^# \d+ "(\/[^"]+)"/mg;
    my $have_syms = $syms =~ /\bint\b/ && %hdr;   # (empty or failed SYMS: no prefix is set aside)
    my @texts = ($syms, (map { -f $_ ? slurp($_) : '' } sort keys %hdr), join(' ', @KEYWORDS));
    my %bad;
    my $known = sub {
        my ($q) = @_;
        $bad{$q} //= (grep { /(?<![A-Za-z0-9_])[0-9]*\Q$q\E(?![A-Za-z0-9])/ } @texts) ? 1 : 0;
        return $bad{$q};
    };
    for my $dir (@dirs) {
        my $p;
        if (open(my $m, '<', "$dir/Makefile")) { while (<$m>) { $p = $1 if /^NAME *= *([A-Za-z_][A-Za-z0-9_]*)\s*$/ } close $m; }
        my $P = defined $p ? uc $p : undef;
        my $safe = $have_syms && defined $p && $P ne $p && !$known->($p) && !$known->($P);
        # (a folder that cannot be read gets no key: its document fails)
        opendir(my $d, $dir) or do { warn "$dir: $!\n"; next };
        my @names = sort grep { -f "$dir/$_" && /\.[ch]\z/ } readdir $d;
        closedir $d;
        my (%raw, %norm);
        for my $n (@names) {
            my $t = slurp("$dir/$n");
            $raw{$n} = $t;
            next unless $safe;
            $safe = 0, next if $t =~ /\@PFX/ || $n =~ /\@PFX/;
            $t =~ s{\A/\*(.*?)\*/\n}{}s if $t =~ m{\A/\*(.*?)\*/}s && $1 !~ /\?\?|\\/;
            $t =~ s/\b\Q$p\E_/\@PFX_/g; $t =~ s/\b\Q$P\E_/\@PFXU_/g; $t =~ s/\b\Q$p\E\b/\@PFX/g;
            $norm{$n} = $t;
        }
        for my $c (grep { /\.c\z/ } @names) {
            my $s = $safe ? "$id\nprefix length " . length($p) . "\n" : "$id\nprefix " . ($p // '') . "\n";
            my (%seen, @q);
            @q = ($c);
            while (@q) {
                my $f = shift @q;
                next if $seen{$f}++;
                my $shown = $f; $shown =~ s/\b\Q$p\E_/\@PFX_/g if $safe;
                if (!exists $raw{$f}) { $s .= "== $shown (absent)\n"; next; }
                $s .= "== $shown\n" . ($safe ? $norm{$f} : $raw{$f});
                push @q, $raw{$f} =~ /^\s*#\s*include\s*"([^"]+)"/mg;
            }
            print "$dir/$c ", substr(sha256_hex($s), 0, 32), "\n";
        }
    }
}

my $mode = shift @ARGV // '';
if ($mode eq 'dirs') {
    my $id = shift @ARGV;
    print dir_key($id, $_), "\n" for @ARGV;
} elsif ($mode eq 'c') {
    c_keys(@ARGV);
} elsif ($mode eq 'mv') {
    while (@ARGV >= 2) { my ($a, $b) = splice(@ARGV, 0, 2); rename($a, $b) or die "mv $a $b: $!\n"; }
} else {
    die "usage: keys.pl dirs ID DIR... | c ID SYMS DIR... | mv FROM TO...\n";
}
