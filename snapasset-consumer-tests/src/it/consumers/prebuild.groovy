// Copies the README's consumer examples into the readme project, so what runs is what users read:
//   <!-- consumer-test-dependencies -->  then an ```xml block of <dependency> elements -> readme/pom.xml
//   <!-- consumer-test: path/in/readme/project.java -->  then a ```java block -> that file
def readmeFile = new File(readme)
def text = readmeFile.getText('UTF-8')

def deps = text =~ /(?s)<!-- consumer-test-dependencies -->\s*```xml\n(.*?)```/
if (!deps.find()) {
  throw new IllegalStateException("no <!-- consumer-test-dependencies --> block in " + readmeFile)
}
def pom = new File(basedir, 'readme/pom.xml')
def placeholder = '<!-- README dependencies: replaced by prebuild.groovy with the README\'s test dependencies -->'
def pomText = pom.getText('UTF-8')
if (!pomText.contains(placeholder)) {
  throw new IllegalStateException("placeholder missing in " + pom)
}
pom.setText(pomText.replace(placeholder, deps.group(1)), 'UTF-8')

def examples = text =~ /(?s)<!-- consumer-test: (\S+) -->\s*```java\n(.*?)```/
int count = 0
examples.each { all, path, code ->
  def target = new File(basedir, "readme/" + path)
  target.parentFile.mkdirs()
  target.setText(code, 'UTF-8')
  println "README example -> readme/" + path
  count++
}
if (count == 0) {
  throw new IllegalStateException("no <!-- consumer-test: ... --> example in " + readmeFile)
}
return true
