package fr.relais.live;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One set of streams per kind of live page, each a lifecycle bean so that shutdown ends them. */
@Configuration(proxyBeanMethods = false)
class LiveConfig {

    @Bean
    LiveStreams<LiveRequests.Viewer> requestStreams() {
        return new LiveStreams<>("live-requests");
    }

    @Bean
    LiveStreams<LiveWorklist.Viewer> worklistStreams() {
        return new LiveStreams<>("live-worklist");
    }
}
