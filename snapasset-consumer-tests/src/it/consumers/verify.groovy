// The README's examples must have run, not merely compiled (or been skipped).
def log = new File(basedir, 'build.log').getText('UTF-8')
['com.example.BannerServiceTest', 'com.example.MyQueueTest', 'com.example.boot.ResolvedVersionsTest'].each {
  assert log =~ /Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: [\d.]+ s -- in ${java.util.regex.Pattern.quote(it)}/ : "no passing tests of $it in build.log"
}
return true
