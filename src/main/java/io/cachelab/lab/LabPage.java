package io.cachelab.lab;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard at {@code /lab}: a static page (static/lab/index.html, lab.js, lab.css) with Chart.js
 * from its WebJar, calling the lab's JSON endpoints. Nothing is built for it: the jar serves the files.
 */
@Configuration(proxyBeanMethods = false)
class LabPage implements WebMvcConfigurer {
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/lab").setViewName("forward:/lab/index.html");
        registry.addViewController("/lab/").setViewName("forward:/lab/index.html");
    }
}
