package fr.relais.platform;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The page after login: what each role can do from here. */
@Controller
class HomeController {

    @GetMapping("/")
    String home() {
        return "home";
    }
}
