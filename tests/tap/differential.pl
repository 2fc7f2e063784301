#!/usr/bin/perl
# Differential test: the runner's TAP verdicts against Perl's TAP::Parser (what prove uses),
# over every shared fixture and a few thousand generated streams.
#
# Usage: differential.pl TAP_JUDGE FIXTURE_DIR COUNT SEED
# (TAP_JUDGE is _build/tests/tap-judge.)
# For each stream both must agree on the number of points run, failed, skipped and todo, and on
# whether the stream fails. Where TAP 14 and TAP::Parser (a TAP 13 parser) differ on purpose,
# the fixture is listed in %known_differences with the reason, and compared on nothing.
use strict;
use warnings;
use File::Find;
use File::Temp qw(tempdir);
use TAP::Parser;

# TAP::Parser warns about its own undefined values on broken YAML; that is not our output.
$SIG{__WARN__} = sub { warn @_ unless $_[0] =~ m{TAP/Parser} };

my ($judge, $fixtures, $count, $seed) = @ARGV;
die "usage: $0 TAP_JUDGE FIXTURE_DIR COUNT SEED\n" unless defined $seed;

my %known_differences = (
    # TAP::Parser knows versions up to 13 and calls "TAP version 14" an error.
    'version 14' => 'TAP::Parser rejects the TAP version 14 line; TAP 14 streams are valid',
    # Indented subtests are TAP 14: TAP::Parser sees unknown lines, so a Bail out! inside a
    # child stream does not stop it, while it does stop the runner.
    'nested bail out' => 'a Bail out! inside a TAP 14 subtest bails the whole stream out',
    # TAP 14 reads "# SKIPPED" and "# TODOs" as directives (SKIP\S*), TAP::Parser does not.
    'suffixed directive' => 'SKIP\\S* and TODO\\S* are directives in TAP 14, not for TAP::Parser',
    # TAP 14 allows any comment after a plan; TAP::Parser takes only "# SKIP" and otherwise
    # finds no plan.
    'plan comment' => 'a plan with a comment other than SKIP is a plan in TAP 14 only',
    # Pre-TAP-13 "1..N todo 1 2;" plans: TAP::Parser still reads them; TAP 14 does not know them.
    'legacy todo plan' => 'the old "1..N todo ..." plan is not TAP 14',
    # "pragma +strict" makes TAP::Parser fail on any unknown line; we keep unknown lines as log.
    'strict pragma' => 'unknown lines are never an error here (DESIGN.md section 5)',
    # TAP::Parser rejects a version line that is not first, or declares a version before 13.
    'version line' => 'a late or pre-13 version line is an error for TAP::Parser only',
    # A stream with neither a plan nor a test point: TAP::Parser finds no plan; here the exit
    # status judges it, since GLib installs tests that print nothing with Output=TAP.
    'no tap at all' => 'a test that prints no plan and no test point is judged by its exit status',
    # YAML blocks with comments, blank or odd lines inside, and VMS's split "not": TAP::Parser's
    # YAMLish reader gives up (or loops) and loses the points around them.
    'yaml edge cases' => 'the fixtures where TAP::Parser\'s YAMLish reader loses points',
);

my %yaml_edge_fixtures = map { $_ => 1 } qw(comment-mid-diag.tap comment-mid-diag-postplan.tap
    fail-right-before-indented-child-diag.tap diag-looks-like-comment.tap line-break.tap
    version-in-yaml.tap vms_nit.tap);

# Which known difference applies to a stream, if any.
sub difference_of {
    my ($text, $file) = @_;
    my ($base) = $file =~ m{([^/]+)$};
    return 'yaml edge cases' if $yaml_edge_fixtures{$base};
    return 'no tap at all' if $text !~ /^\s*(?:not\s+)?ok\b|^\s*1\.\.\d|Bail out!/mi;
    return 'legacy todo plan' if $text =~ /^1\.\.\d+\s+todo\b/mi;
    return 'plan comment' if $text =~ /^1\.\.\d+\s*#(?!\s*skip\b)/mi;
    return 'strict pragma' if $text =~ /^\s*pragma\s+\+strict/m;
    return 'version line' if $text =~ /^TAP version (?:\d|1[0-2])\s*$/mi
        || ($text =~ /^TAP version/mi && $text !~ /\A(?:#[^\n]*\n)*TAP version/i);
    return 'version 14' if $text =~ /^TAP version 14\s*$/mi;
    return 'nested bail out' if $text =~ /^[ \t]+Bail out!/m;
    return 'suffixed directive' if $text =~ /^\s*(?:not )?ok\b[^\n]*#\s*(?:skip|todo)[^\s\n]/mi;
    return undef;
}

my @files;
find(sub { push @files, $File::Find::name if /\.tap$/ }, $fixtures);
@files = sort @files;
die "no fixtures under $fixtures\n" unless @files;

# Generated streams: points, directives, escapes, plans, YAML, bail outs and noise, mixed.
srand($seed);
my $dir = tempdir(CLEANUP => 1);
sub pick { return $_[int(rand(@_))] }
for my $n (1 .. $count) {
    my @lines;
    my $version13 = rand() < 0.3;
    push @lines, 'TAP version 13' if $version13;
    my $points = int(rand(8));
    my $plan = pick('start', 'start', 'end', 'none', 'wrong', 'skipall');
    push @lines, "1..$points" if $plan eq 'start';
    push @lines, '1..' . ($points + 1) if $plan eq 'wrong';
    if ($plan eq 'skipall') {
        push @lines, pick('1..0 # SKIP no display', '1..0', '1..0 # skip: nothing');
        $points = 0;
    }
    my $number = 0;
    for (1 .. $points) {
        $number++;
        my $ok = rand() < 0.7 ? 'ok' : 'not ok';
        my $num = rand() < 0.8 ? " $number" : (rand() < 0.5 ? '' : ' ' . ($number + 1));
        my $desc = pick('', ' - /a/b', ' /suite/test', ' a \\# not a directive', ' x\\\\y',
                        ' caf' . chr(0xe9));
        my $directive = pick('', '', '', ' # SKIP why', ' # skip', ' # TODO later', ' # todo',
                             ' # not a directive');
        push @lines, "$ok$num$desc$directive";
        if ($version13 && rand() < 0.2) {
            push @lines, '  ---', '  message: "boom"', '  got: 1', '  ...';
        }
        push @lines, pick('# a comment', 'noise on stdout', '', '  indented noise') if rand() < 0.3;
        push @lines, 'Bail out! ' . pick('', 'stop') if rand() < 0.02;
    }
    push @lines, "1..$points" if $plan eq 'end';
    my $file = sprintf('%s/gen-%05d.tap', $dir, $n);
    open my $fh, '>', $file or die "$file: $!";
    print $fh map { "$_\n" } @lines;
    close $fh;
    push @files, $file;
}

# What the runner says, a line per file.
my %ours;
for (my $i = 0; $i < @files; $i += 200) {
    my @batch = @files[$i .. ($i + 199 < $#files ? $i + 199 : $#files)];
    open my $out, '-|', $judge, @batch or die "$judge: $!";
    while (<$out>) {
        my ($file, $rest) = /^(\S+) (.*)$/ or die "bad line from tap-judge: $_";
        $ours{$file} = $rest;
    }
    close $out or die "$judge failed\n";
}

my ($compared, $skipped, @mismatches, @hung, %by_reason) = (0, 0);
for my $file (@files) {
    open my $fh, '<', $file or die "$file: $!";
    my $text = do { local $/; <$fh> };
    close $fh;
    if (defined(my $why = difference_of($text, $file))) {
        $skipped++;
        $by_reason{$why}++;
        next;
    }
    # TAP::Parser 3.44 loops forever on some YAML blocks cut by the end of the stream.
    my $parser = TAP::Parser->new({ tap => length $text ? $text : "\n" });
    my $bailed_out = 0;
    my $finished = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 5;
        while (my $result = $parser->next) {
            $bailed_out ||= $result->is_bailout;
        }
        alarm 0;
        1;
    };
    if (!$finished) {
        push @hung, $file;
        next;
    }
    # prove stops and fails on a Bail out!, which TAP::Parser alone does not count as a problem.
    my $fails = ($parser->has_problems || $bailed_out) ? 1 : 0;
    my $verdict = $fails ? 'FAIL'
        : ($parser->skip_all || ($parser->tests_run > 0 && $parser->skipped == $parser->tests_run))
        ? 'SKIP' : 'PASS';
    my $theirs = sprintf('run=%d failed=%d skipped=%d todo=%d verdict=%s', $parser->tests_run,
        scalar($parser->failed), scalar($parser->skipped), scalar($parser->todo), $verdict);
    # With plan or numbering errors TAP::Parser also fails the points past the plan; both say
    # FAIL, so there only the verdict and the other counts are compared.
    if ($parser->parse_errors && $verdict eq 'FAIL') {
        (my $ours_no_failed = $ours{$file} // '') =~ s/ failed=\d+//;
        (my $theirs_no_failed = $theirs) =~ s/ failed=\d+//;
        ($ours{$file}, $theirs) = ($ours_no_failed, $theirs_no_failed);
    }
    $compared++;
    push @mismatches, "$file\n  ours:        $ours{$file}\n  TAP::Parser: $theirs\n"
        unless ($ours{$file} // '') eq $theirs;
}

print "compared $compared streams, $skipped with a documented difference\n";
print "TAP::Parser hung (stopped after 5 s) on: @hung\n" if @hung;
for my $reason (sort keys %known_differences) {
    printf "  known difference '%s' (%d streams): %s\n", $reason, $by_reason{$reason} // 0,
        $known_differences{$reason};
}
if (@mismatches) {
    print scalar(@mismatches), " mismatches:\n", @mismatches[0 .. ($#mismatches < 19 ? $#mismatches : 19)];
    exit 1;
}
print "no mismatch\n";
exit 0;
